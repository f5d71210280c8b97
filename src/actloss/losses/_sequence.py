"""Losses: sequence alignment (Connectionist Temporal Classification, CTC).

``ctc`` takes PyTorch's layout: ``input`` log-probabilities ``(T, N, C)`` (a
``log_softmax`` over ``C``), ``target`` padded label sequences ``(N, S)`` (int), and
optional ``input_lengths`` / ``target_lengths`` ``(N,)`` (full lengths by default).

The forward (alpha) recursion runs in log space with ``logsumexp``; states that no path
reaches hold a large negative number instead of ``-inf``, so that autograd's gradients
stay finite, and a sample whose labels cannot fit its frames (``T_n < L_n + repeats``)
gets ``inf`` (or 0 with ``zero_infinity``), as PyTorch.

One deliberate difference: ``reduction='mean'`` is the mean of the per-sample losses
(Keras's, and every catalog loss's); PyTorch's ``'mean'`` first divides each loss by its
target length: pass ``divide_by_target_length=True`` for that.
"""

from __future__ import annotations

import math

import torch

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._validation import Interval, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["ctc"]

_NEG = -1e30  # log of an unreachable state: exp(_NEG - anything finite) is exactly 0
_COUNT = Interval(0, math.inf, low_closed=True)
CTC_PARAMS = (
    Param("blank", 0, int, _COUNT, doc="index of the blank class"),
    Param("zero_infinity", False, bool, doc="impossible alignments cost 0 instead of inf"),
    Param("divide_by_target_length", False, bool,
          doc="divide each loss by its target length (PyTorch's 'mean' then matches)"),
    Param("input_lengths", None, int, _COUNT, optional=True,
          doc="frames per sample (N,); None: all T"),
    Param("target_lengths", None, int, _COUNT, optional=True,
          doc="labels per sample (N,); None: all S"),
)


def _lengths(owner: str, name: str, value: object, n: int, full: int,
             device: torch.device) -> torch.Tensor:
    if value is None:
        return torch.full((n,), full, dtype=torch.int64, device=device)
    t = torch.as_tensor(value, device=device)
    if t.is_floating_point() or t.shape != (n,) or (t.numel() and (int(t.min()) < 0
                                                                   or int(t.max()) > full)):
        raise InputError(f"`{name}` of {owner} must hold {n} integers in [0, {full}]; got "
                         f"{t.tolist() if t.numel() < 20 else tuple(t.shape)}")
    return t.to(torch.int64)


def _ctc_args(input: object, target: object, kw: dict) -> tuple[torch.Tensor, ...]:
    owner = "ctc"
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if x.dim() != 3:
        raise InputError(f"`input` of {owner} must hold log-probabilities of shape (T, N, C); "
                         f"got shape {tuple(x.shape)}")
    t_max, n, c = x.shape
    if t_max == 0 or c == 0:
        raise InputError(f"`input` of {owner} needs at least one frame and one class (T, C > "
                         f"0); got shape {tuple(x.shape)}")
    if y.is_floating_point() or y.dim() != 2 or y.shape[0] != n:
        raise InputError(f"`target` of {owner} must hold int label sequences of shape (N, S) "
                         f"with N = {n}; got dtype {y.dtype}, shape {tuple(y.shape)}")
    if x.numel() and bool(torch.isnan(x).any()):
        raise InputError(f"`input` of {owner} contains NaN")
    blank = kw["blank"]
    if blank >= c:
        raise InputError(f"`blank` of {owner} must be a class index in [0, {c}); got {blank}")
    in_len = _lengths(owner, "input_lengths", kw["input_lengths"], n, t_max, x.device)
    tg_len = _lengths(owner, "target_lengths", kw["target_lengths"], n, y.shape[1], x.device)
    s_max = y.shape[1]
    valid = torch.arange(s_max, device=y.device)[None, :] < tg_len[:, None]
    if bool((valid & ((y < 0) | (y >= c) | (y == blank))).any()):
        raise InputError(f"`target` of {owner} must hold labels in [0, {c}) other than the "
                         f"blank {blank} within each target length")
    return _up(x), y, in_len, tg_len


def _extended(y: torch.Tensor, blank: int, c: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Labels with blanks between and around, (N, 2S + 1), and where a skip over a blank
    is allowed (the label differs from the one two places before)."""
    n, s_max = y.shape
    ext = torch.full((n, 2 * s_max + 1), blank, dtype=torch.int64, device=y.device)
    ext[:, 1::2] = y.clamp(0, c - 1)  # padding beyond a length is never read back
    skip = torch.zeros_like(ext, dtype=torch.bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _shift(a: torch.Tensor, k: int) -> torch.Tensor:
    """a[:, s - k] (k > 0) or a[:, s + |k|] (k < 0), unreachable outside."""
    pad = a.new_full((a.shape[0], abs(k)), _NEG)
    return torch.cat([pad, a[:, :-k]], 1) if k > 0 else torch.cat([a[:, -k:], pad], 1)


def _forward(lp_ext: torch.Tensor, skip: torch.Tensor, in_len: torch.Tensor
             ) -> torch.Tensor:
    """alpha (T, N, S'): log-probability of the prefixes ending in state s at frame t
    (frames past a sample's length repeat its last alpha)."""
    t_max = lp_ext.shape[0]
    first = torch.full_like(lp_ext[0], _NEG)
    first[:, :2] = lp_ext[0, :, :2]
    alphas = [first]
    for t in range(1, t_max):
        prev = alphas[-1]
        two = torch.where(skip, _shift(prev, 2), torch.full_like(prev, _NEG))
        step = torch.logsumexp(torch.stack([prev, _shift(prev, 1), two]), 0) + lp_ext[t]
        alphas.append(torch.where((t < in_len)[:, None], step, prev))
    return torch.stack(alphas)


def _readout(alpha_last: torch.Tensor, tg_len: torch.Tensor) -> torch.Tensor:
    """log p = logsumexp of the last label's state and the final blank."""
    end = (2 * tg_len)[:, None]
    a_end = alpha_last.gather(1, end).squeeze(1)
    a_lab = alpha_last.gather(1, (end - 1).clamp_min(0)).squeeze(1)
    a_lab = torch.where(tg_len > 0, a_lab, torch.full_like(a_lab, _NEG))
    return torch.logsumexp(torch.stack([a_end, a_lab]), 0)


def _feasible(y: torch.Tensor, in_len: torch.Tensor, tg_len: torch.Tensor) -> torch.Tensor:
    """T_n >= L_n + (number of equal neighbouring labels): a path exists."""
    s_max = y.shape[1]
    if s_max < 2:
        repeats = torch.zeros_like(tg_len)
    else:
        inside = torch.arange(1, s_max, device=y.device)[None, :] < tg_len[:, None]
        repeats = ((y[:, 1:] == y[:, :-1]) & inside).sum(1)
    return in_len >= tg_len + repeats


def _neg_log_likelihood(x: torch.Tensor, y: torch.Tensor, in_len: torch.Tensor,
                        tg_len: torch.Tensor, blank: int
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    ext, skip = _extended(y, blank, x.shape[2])
    lp_ext = x.gather(2, ext[None].expand(x.shape[0], -1, -1))
    lp_ext = torch.where(torch.isinf(lp_ext), torch.full_like(lp_ext, _NEG), lp_ext)
    alpha = _forward(lp_ext, skip, in_len)
    last = alpha[(in_len - 1).clamp_min(0), torch.arange(x.shape[1], device=x.device)]
    log_p = _readout(last, tg_len)
    return -log_p, alpha, lp_ext, ext


def ctc(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
        weight: torch.Tensor | None = None, blank: int = 0, zero_infinity: bool = False,
        divide_by_target_length: bool = False, input_lengths: torch.Tensor | None = None,
        target_lengths: torch.Tensor | None = None) -> torch.Tensor:
    r"""CTC loss, PyTorch's ``ctc_loss``: minus the log-probability of all alignments.

    .. math::
        \ell_n = -\log\sum_{\pi \in \mathcal{B}^{-1}(y_n)}\prod_t p_t(\pi_t),\quad
        \alpha_t(s) = \Big(\alpha_{t-1}(s) + \alpha_{t-1}(s-1)
        + [\text{skip}]\,\alpha_{t-1}(s-2)\Big)\,p_t(l'_s)

    over the extended labels ``l'`` (a blank before, between and after the labels).
    Derivative with respect to the log-probabilities (forward-backward):
    :math:`\partial\ell/\partial\log p_t(k) = -\frac{1}{P}\sum_{s: l'_s = k}
    \alpha_t(s)\beta_t(s)/p_t(k)`.

    Args:
        input: log-probabilities ``(T, N, C)``.
        target: int labels ``(N, S)``, padded past each target length.
        reduction: ``'none' | 'mean' | 'sum'`` over the batch (``'mean'``: see the module
            docstring). weight: per-sample weights ``(N,)``.
        blank: blank index, default 0. zero_infinity: default ``False``.
        divide_by_target_length: divide each loss by ``max(L_n, 1)``, default ``False``.
        input_lengths, target_lengths: ``(N,)`` int tensors; ``None``: ``T`` and ``S``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> lp = torch.log(torch.full((2, 1, 2), 0.5))  # 2 frames, blank + one class
        >>> ctc(lp, torch.tensor([[1]]))  # paths "1-", "-1", "11": -log(3/4)
        tensor(0.2877)

    References:
        Graves, Fernandez, Gomez, Schmidhuber (2006), Connectionist temporal
        classification, ICML; PyTorch ``torch.nn.CTCLoss``.
    """
    kw = check_params("ctc", CTC_PARAMS, {
        "blank": blank, "zero_infinity": zero_infinity,
        "divide_by_target_length": divide_by_target_length, "input_lengths": input_lengths,
        "target_lengths": target_lengths})
    check_reduction("ctc", reduction)
    x, y, in_len, tg_len = _ctc_args(input, target, kw)
    nll, _, _, _ = _neg_log_likelihood(x, y, in_len, tg_len, kw["blank"])
    ok = _feasible(y, in_len, tg_len)
    bad = torch.zeros_like(nll) if kw["zero_infinity"] else torch.full_like(nll, math.inf)
    loss = torch.where(ok, nll, bad)
    if kw["divide_by_target_length"]:
        loss = loss / tg_len.clamp_min(1).to(loss.dtype)
    out = reduce(loss, reduction, weight=weight, owner="ctc", mean_by="count")
    return out.to(input.dtype)


def _ctc_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None, blank: int = 0, zero_infinity: bool = False,
              divide_by_target_length: bool = False, input_lengths: torch.Tensor | None = None,
              target_lengths: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum of per-sample losses)/d(input) by the forward-backward recursions."""
    kw = {"blank": blank, "zero_infinity": zero_infinity, "input_lengths": input_lengths,
          "target_lengths": target_lengths}
    x, y, in_len, tg_len = _ctc_args(input, target, kw)
    nll, alpha, lp_ext, ext = _neg_log_likelihood(x, y, in_len, tg_len, blank)
    t_max, n, c = x.shape
    _, skip = _extended(y, blank, c)
    # beta_t(s): log-probability of the suffixes from state s at frame t (emission at t
    # included); it starts at each sample's last frame in the last two states
    end = 2 * tg_len
    states = torch.arange(lp_ext.shape[2], device=x.device)[None, :]
    start = (states == end[:, None]) | ((states == (end - 1)[:, None]) & (tg_len > 0)[:, None])
    skip_from = torch.cat([skip[:, 2:], torch.zeros_like(skip[:, :2])], 1)  # skip into s + 2
    betas = [torch.full_like(lp_ext[0], _NEG)] * t_max
    beta = torch.full_like(lp_ext[0], _NEG)
    for t in range(t_max - 1, -1, -1):
        two = torch.where(skip_from, _shift(beta, -2), torch.full_like(beta, _NEG))
        step = torch.logsumexp(torch.stack([beta, _shift(beta, -1), two]), 0) + lp_ext[t]
        init = torch.where(start, lp_ext[t], torch.full_like(beta, _NEG))
        is_last = (t == in_len - 1)[:, None]
        beta = torch.where(is_last, init, torch.where((t < in_len - 1)[:, None], step, beta))
        betas[t] = beta
    beta_all = torch.stack(betas)
    ab = alpha + beta_all - lp_ext  # (T, N, S'): log of the paths through (t, s)
    onehot = torch.nn.functional.one_hot(ext, c).bool()  # (N, S', C)
    per_class = torch.logsumexp(torch.where(onehot[None], ab[..., None],
                                            torch.full_like(ab[..., None], _NEG)), 2)
    ok = _feasible(y, in_len, tg_len)
    nll = torch.where(ok, nll, torch.zeros_like(nll))  # no path: no gradient (as autograd)
    g = -torch.exp(per_class + nll[None, :, None])  # - (1/P) sum alpha beta / p
    frames = torch.arange(t_max, device=x.device)[:, None] < in_len[None, :]
    scale = ok.to(x.dtype)
    if divide_by_target_length:
        scale = scale / tg_len.clamp_min(1).to(x.dtype)
    if weight is not None:
        scale = scale * torch.broadcast_to(weight.to(x.dtype), (n,))
    g = torch.where(frames[..., None], g, torch.zeros_like(g)) * scale[None, :, None]
    return g.to(input.dtype)


register(LossSpec(
    name="ctc", fn=ctc, gradient=_ctc_grad, params=CTC_PARAMS,
    aliases=("ctc_loss", "CTCLoss", "connectionist_temporal_classification"),
    family="sequence",
    summary="CTC: minus the log-probability of every frame alignment of the label sequence.",
    summary_zh="CTC:标签序列所有逐帧对齐方式总概率的负对数。",
    formula=r"-\log\sum_{\pi \in \mathcal{B}^{-1}(y)}\prod_t p_t(\pi_t)",
    tasks=("sequence_labelling", "speech_recognition"), input_kind="log_probabilities",
    target_kind="class_indices", pairs_with="log_softmax", keras_name="CTC",
    torch_equivalent="torch.nn.functional.ctc_loss",
    pros=_bi(("Trains sequence models without frame-level alignments.",),
             ("无需逐帧对齐标注即可训练序列模型。",)),
    cons=_bi(("Assumes frames are conditionally independent given the input.",
              "A recursion over time: slower than a per-frame loss."),
             ("假设给定输入时各帧条件独立。", "沿时间递推,比逐帧损失慢。")),
    other_defaults={"pytorch": "blank=0, reduction='mean' divides by target lengths "
                               "(here divide_by_target_length=True), zero_infinity=False",
                    "keras": "keras.losses.CTC: (N, T, C) logits, blank = mask_index 0, "
                             "mean over samples"},
    year=2006, reference="Graves et al. (2006), Connectionist temporal classification, ICML; "
                         "PyTorch CTCLoss",
))
