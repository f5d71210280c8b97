"""``watch``: lint the first real batch, then monitor training, in an unmodified loop.

:func:`watch` hooks a model (and, where given, its loss module and optimizers) and needs
no call in the training loop:

- the first training forward and loss are linted with the same rules as
  :func:`actloss.lint.check` (the linter runs once, on the batch the loop itself used;
  batch-norm statistics and the random generators are restored afterwards, so training
  goes on exactly as without it);
- from then on a :class:`~actloss.diagnostics.Monitor` per model collects activations
  (modules and functional calls), gradients and update ratios; gradients are read in a
  step pre-hook of the optimizer (after ``backward`` and any clipping) and updates in a
  step post-hook (``Optimizer.register_step_pre_hook`` / ``register_step_post_hook``;
  without an optimizer the process-wide optimizer hooks, filtered to optimizers that
  hold the model's parameters);
- the loss comes from the loss module given (a forward hook), a ``loss`` field of the
  model's output (Hugging Face models), the scalar a ``backward`` pass starts from
  between the forward and the optimizer step (``torch.autograd.backward``, which
  ``Tensor.backward`` calls, is wrapped while a watch is open: one Python call per
  backward; several passes before one step are summed, as in gradient accumulation), or
  :meth:`Watch.log_loss`. The loss function called on the first batch is found by a
  torch function mode that is active on that batch only, for the linter;
- every ``report_every`` optimizer steps the window is judged and new findings are sent
  to the ``actloss.watch`` logger (a rich line on a terminal when logging is not set up)
  and kept for :meth:`Watch.findings` / :meth:`Watch.to_json`.

Under ``torch.distributed`` the statistics are reduced over the ranks and only rank 0
logs. :meth:`Watch.close` (or the end of the ``with`` block) removes every hook.

Example:
    >>> import torch
    >>> from torch import nn
    >>> import actloss
    >>> _ = torch.manual_seed(0)
    >>> model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    >>> with torch.no_grad():
    ...     _ = model[0].bias.fill_(-100.0)  # every hidden unit is dead
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.01)
    >>> x, y = torch.randn(64, 4), torch.randint(0, 3, (64,))
    >>> with actloss.watch(model, stream=False) as w:
    ...     for _ in range(20):
    ...         opt.zero_grad()
    ...         loss = nn.functional.cross_entropy(model(x), y)
    ...         loss.backward()
    ...         opt.step()
    >>> [(f.code, f.where) for f in w.findings()][:2]
    [('dead_relu_init', '1'), ('dead_units', '1')]
"""

from __future__ import annotations

import copy
import logging
import math
import sys
import types
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from actloss._validation import Interval, Param, check_params
from actloss.diagnostics._monitor import _PRIORITY, Monitor, _distributed
from actloss.diagnostics._thresholds import MONITOR_PARAMS
from actloss.errors import InputError
from actloss.findings import Finding
from actloss.lab.callbacks import Callback, TrainState

__all__ = ["WATCH_PARAMS", "Watch", "watch"]

logger = logging.getLogger("actloss.watch")

WATCH_PARAMS: tuple[Param, ...] = (
    Param("lint", True, bool, doc="lint the first training forward and loss"),
    Param("report_every", 100, int, Interval(1.0, math.inf, low_closed=True),
          doc="optimizer steps per judged window (findings are streamed after each)"),
    Param("stream", True, bool, doc="send new findings to the actloss.watch logger"),
    Param("task", "", str, choices=("", "gan"),
          doc="'gan': adversarial training, one loss curve per player"),
    Param("hooks", True, bool,
          doc="find backward and steps through optimizer hooks; False: the caller (an "
              "integration) calls after_backward() and step_end()"),
)
_WATCH_NAMES = {p.name for p in WATCH_PARAMS}
WATCH_EVERY = 20  # batches per sampled batch for a watch (the monitor's ``every``)
_LOSS_NAMES = frozenset({
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
    "multilabel_margin_loss", "soft_margin_loss", "hinge_embedding_loss",
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss", "ctc_loss",
})
_LEVEL = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO}


def _func_name(func: Any) -> str:
    return getattr(func, "__name__", "").strip("_")


class _LossCatcher(TorchFunctionMode):
    """Active on the first training batch only, from its forward to the optimizer step:
    the first call of a known loss function that returns a 0-d floating tensor requiring
    grad is handed to the linter. It changes no value.

    It is not used to follow the loss: a function mode on every step costs some 10% of
    a small network's step (every op of the loss and of ``backward`` goes through
    Python); the loss of each step comes from :func:`_tapped_backward` instead.
    """

    def __init__(self, owner: Watch) -> None:
        super().__init__()
        self.owner = owner
        self.active = True

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if (self.active and self.owner._lint_pending and isinstance(out, torch.Tensor)
                and out.dim() == 0 and out.is_floating_point() and out.requires_grad
                and _func_name(func) in _LOSS_NAMES):
            self.owner._lint_call(func, args, kwargs)
        return out


# The open watches that follow the loss through ``backward`` (weak references: a watch
# dropped without close() is not kept alive), and the function that
# ``torch.autograd.backward`` was before the first of them wrapped it.
_TAPPED: list[weakref.ref[Watch]] = []
_ORIGINAL_BACKWARD: Callable[..., Any] | None = None
_INSTALLED = False  # _tapped_backward is in torch.autograd.backward's chain


def _tapped_backward(tensors: Any, *args: Any, **kwargs: Any) -> Any:
    """``torch.autograd.backward`` while a watch is open: each open watch notes the
    scalar the pass starts from (the step's loss), then the original runs unchanged."""
    original = _ORIGINAL_BACKWARD
    assert original is not None
    for ref in tuple(_TAPPED):
        w = ref()
        if w is None:
            _untap(ref)
        else:
            w._on_backward(tensors)
    return original(tensors, *args, **kwargs)


def _tap(w: Watch) -> None:
    global _ORIGINAL_BACKWARD, _INSTALLED
    if not _INSTALLED:
        _ORIGINAL_BACKWARD = torch.autograd.backward
        torch.autograd.backward = _tapped_backward
        _INSTALLED = True
    if not any(r() is w for r in _TAPPED):
        _TAPPED.append(weakref.ref(w))


def _untap(w: Watch | weakref.ref[Watch]) -> None:
    """Remove ``w``; the last one out restores ``torch.autograd.backward``, unless
    something wrapped it since (then the wrapper stays in that chain, inert)."""
    global _INSTALLED
    _TAPPED[:] = [r for r in _TAPPED if r is not w and r() is not w and r() is not None]
    if not _TAPPED and _INSTALLED and torch.autograd.backward is _tapped_backward:
        torch.autograd.backward = _ORIGINAL_BACKWARD
        _INSTALLED = False


def _output_loss(output: Any) -> torch.Tensor | None:
    """The ``loss`` a model returns itself (Hugging Face outputs, dicts)."""
    if type(output) is torch.Tensor:  # the common case, without the Mapping check
        return None
    loss = None
    if isinstance(output, Mapping):
        loss = output.get("loss")
    elif hasattr(output, "loss"):
        loss = getattr(output, "loss", None)
    if isinstance(loss, torch.Tensor) and loss.dim() == 0:
        return loss
    return None


class Watch(Callback):
    """What :func:`watch` returns; a context manager and a lab trainer callback."""

    def __init__(self, model: nn.Module | Iterable[nn.Module] | Mapping[str, nn.Module],
                 loss_fn: Callable[..., Any] | None = None,
                 optimizer: torch.optim.Optimizer | Iterable[torch.optim.Optimizer] | None
                 = None, **settings: Any) -> None:
        own = {k: v for k, v in settings.items() if k in _WATCH_NAMES}
        thresholds = {k: v for k, v in settings.items() if k not in _WATCH_NAMES}
        known = {p.name for p in MONITOR_PARAMS} | _WATCH_NAMES
        unknown = [k for k in thresholds if k not in known]
        if unknown:  # validated with the monitor's names too, for the suggestions
            check_params("watch", (*MONITOR_PARAMS, *WATCH_PARAMS), {unknown[0]: None})
        self.settings = check_params("watch", WATCH_PARAMS, own)
        self.players = self._players(model)
        if loss_fn is not None and not callable(loss_fn):
            raise InputError(f"`loss_fn` of watch must be callable; got {type(loss_fn).__name__}")
        self.loss_fn = loss_fn
        self.optimizers = self._optimizers(optimizer)
        if self.settings["task"] == "gan" or len(self.optimizers) >= 2:
            thresholds.setdefault("adversarial", True)
        # a watch runs for a whole training: it samples fewer batches than the
        # monitor's diagnostic default (every=10), which halves the cost of the sampled
        # steps; an explicit ``every`` wins
        thresholds.setdefault("every", WATCH_EVERY)
        self.monitors = {name: Monitor(m, **thresholds) for name, m in self.players.items()}
        for mon in self.monitors.values():
            # the watch's two root hooks run the monitor's: two hook calls less per forward
            mon.close()
            mon._root_by_owner = True
        self.model = next(iter(self.players.values()))
        self._handles: list[Any] = []
        self._catcher: _LossCatcher | None = None  # the mode while it is entered
        self._catcher_obj: _LossCatcher | None = None
        self._pending_loss: torch.Tensor | None = None
        self._loss_given = False  # this step's loss came from the loss module or output
        self._forward_seen = False  # a training forward since the last step
        self._logged_loss = False
        self._lint_pending = bool(self.settings["lint"])
        self._first_input: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self._lint: list[Finding] = []
        self._seen: dict[tuple[str, str], Finding] = {}
        self._reported: set[tuple[str, str]] = set()
        self._order: dict[tuple[str, str], int] = {}  # place in its monitor's list
        self._window = 0
        self.steps = 0
        self._inside_lint = False
        self._owner_cache: dict[tuple[int, int], list[str]] = {}
        self._rank = 0
        self._open = False
        self.open()

    # ------------------------------------------------------------ set up

    @staticmethod
    def _players(model: Any) -> dict[str, nn.Module]:
        if isinstance(model, nn.Module):
            return {"model": model}
        if isinstance(model, Mapping):
            items = list(model.items())
        elif isinstance(model, (list, tuple)):
            items = [(f"player{i}", m) for i, m in enumerate(model)]
        else:
            items = []
        if not items or not all(isinstance(m, nn.Module) for _, m in items):
            raise InputError("`model` of watch must be a torch.nn.Module, or a list or dict "
                             f"of them (the players of adversarial training); got "
                             f"{type(model).__name__}")
        return {str(k): m for k, m in items}

    @staticmethod
    def _optimizers(optimizer: Any) -> list[torch.optim.Optimizer]:
        if optimizer is None:
            return []
        opts = [optimizer] if isinstance(optimizer, torch.optim.Optimizer) else list(optimizer)
        if not opts or not all(isinstance(o, torch.optim.Optimizer) for o in opts):
            raise InputError("`optimizer` of watch must be a torch.optim.Optimizer or a list "
                             f"of them; got {type(optimizer).__name__}")
        return opts

    def open(self) -> None:
        """Register the hooks (done by :func:`watch`; again after :meth:`close`)."""
        if self._open:
            return
        self._open = True
        dist = _distributed()
        self._rank = dist.get_rank() if dist is not None else 0
        for m in self.monitors.values():
            m.attach()
        for player, module in self.players.items():
            self._handles.append(module.register_forward_pre_hook(
                self._forward_pre_hook(player), with_kwargs=True, prepend=True))
            self._handles.append(module.register_forward_hook(
                self._forward_hook(player), with_kwargs=True, always_call=True))
        if isinstance(self.loss_fn, nn.Module):
            self._handles.append(self.loss_fn.register_forward_hook(self._loss_module_hook))
        _tap(self)
        if self.settings["hooks"]:
            if self.optimizers:
                for opt in self.optimizers:
                    self._handles.append(opt.register_step_pre_hook(self._pre_step))
                    self._handles.append(opt.register_step_post_hook(self._post_step))
            else:
                from torch.optim.optimizer import (
                    register_optimizer_step_post_hook,
                    register_optimizer_step_pre_hook,
                )

                self._handles.append(register_optimizer_step_pre_hook(self._pre_step))
                self._handles.append(register_optimizer_step_post_hook(self._post_step))

    def close(self) -> None:
        """Judge what is left, remove every hook; the model is as it was before."""
        if not self._open:
            return
        self._end_catcher()
        if any(m._batch for m in self.monitors.values()):
            self._judge()
        for h in self._handles:
            h.remove()
        self._handles.clear()
        _untap(self)
        for m in self.monitors.values():
            m.close()
        self._open = False

    def __enter__(self) -> Watch:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def attached(self) -> bool:
        """Whether the hooks are registered."""
        return self._open

    # ------------------------------------------------------------- hooks

    def _training(self, module: nn.Module) -> bool:
        return module.training and torch.is_grad_enabled() and not self._inside_lint

    def _forward_pre_hook(self, player: str) -> Callable[..., None]:
        monitor_pre = self.monitors[player]._root_pre_hook

        def hook(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            monitor_pre(module, args)
            if not self._training(module):
                return
            if self._catcher is not None:
                self._end_catcher()
            if self._lint_pending and self._first_input is None and module is self.model:
                self._first_input = (args, dict(kwargs))

        return hook

    def _forward_hook(self, player: str) -> Callable[..., None]:
        monitor_post = self.monitors[player]._root_hook

        def hook(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any],
                 output: Any) -> None:
            monitor_post(module, args, kwargs, output)  # always called: ends its mode
            if output is None or not self._training(module):
                return  # (None: the forward raised)
            self._forward_seen = True
            own = None if type(output) is torch.Tensor else _output_loss(output)
            if own is not None:
                self._pending_loss = own.detach()
                self._loss_given = True
                if self._lint_pending and module is self.model:
                    self._lint_now(lambda out, _t=None: _output_loss(out), None)
                return
            if (self._lint_pending and self._catcher is None
                    and not isinstance(self.loss_fn, nn.Module)):
                # the first batch only: which loss function is called, for the linter
                catcher = self._catcher_obj
                if catcher is None:
                    catcher = self._catcher_obj = _LossCatcher(self)
                catcher.active = True
                self._catcher = catcher
                catcher.__enter__()

        return hook

    def _end_catcher(self) -> None:
        c = self._catcher
        if c is None:
            return
        c.active = False
        if torch.overrides._get_current_function_mode() is c:
            c.__exit__(None, None, None)
            self._catcher = None
        # else another mode sits above it: it stays, inert, until it is on top again

    def _loss_module_hook(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        if self._inside_lint or not torch.is_grad_enabled():
            return
        if isinstance(output, torch.Tensor) and output.dim() == 0:
            self._pending_loss = output.detach()
            self._loss_given = True
        if self._lint_pending:
            target = args[1] if len(args) > 1 else None
            self._lint_now(self.loss_fn, target)

    def _lint_call(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """A known loss function was called: lint with it (or with the loss given)."""
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if self.loss_fn is not None:
            self._lint_now(self.loss_fn, target)
            return
        extra = {k: v for k, v in kwargs.items() if k not in ("input", "target")}

        def loss(out: Any, tgt: Any = None) -> Any:
            return func(out, tgt, *args[2:], **extra)

        self._lint_now(loss, target)

    def _lint_now(self, loss_fn: Callable[..., Any] | None, target: Any) -> None:
        """Run the linter once on the first batch; the model's state is restored."""
        self._lint_pending = False
        if self._first_input is None or loss_fn is None:
            return
        from actloss.lint import check

        args, kwargs = self._first_input
        example: Any = kwargs if kwargs and not args else (args[0] if len(args) == 1
                                                           else tuple(args))
        lr = None
        for opt in self.optimizers[:1]:
            lr = float(opt.param_groups[0].get("lr", 0.0)) or None
        self._inside_lint = True
        for m in self.monitors.values():
            m.paused = True
        mode = self._catcher
        if mode is not None:
            mode.active = False
        try:
            with torch.random.fork_rng(devices=[]):
                # a copy without hooks: the user's graph, buffers and versions stay as
                # they are, between this step's forward and its backward
                twin = _hookless_copy(self.model)
                kind = type(self.optimizers[0]).__name__.lower() if self.optimizers else ""
                found = check(twin, loss_fn, example, target, lr=lr,
                              optimizer="adam" if "adam" in kind else "sgd")
        except Exception as exc:  # the linter must never break the user's training
            logger.debug("watch: the first-batch lint failed: %s", exc)
            found = []
        finally:
            self._inside_lint = False
            for m in self.monitors.values():
                m.paused = False
            if mode is not None:
                mode.active = True
        self._first_input = None
        self._lint = [f for f in found if f.code not in ("forward_error", "loss_error")]
        for f in self._lint:
            self._report(f, source="lint")

    def _on_backward(self, tensors: Any) -> None:
        """A ``backward`` pass starts: its scalar is this step's loss (summed over the
        passes before one step), unless the loss module or the output gave one."""
        if not self._forward_seen or self._loss_given or self._inside_lint:
            return
        t = tensors
        if isinstance(t, (tuple, list)) and len(t) == 1:
            t = t[0]
        if not isinstance(t, torch.Tensor) or t.dim() != 0 or not t.is_floating_point():
            return
        t = t.detach()
        try:
            self._pending_loss = t if self._pending_loss is None else self._pending_loss + t
        except RuntimeError:  # passes on two devices: the last one (never break backward)
            self._pending_loss = t

    def _owners(self, opt: torch.optim.Optimizer) -> list[tuple[Monitor, str]]:
        """The monitors of the players ``opt`` trains, each with its loss curve's name."""
        key = (id(opt), len(opt.param_groups))
        found = self._owner_cache.get(key)
        if found is None:  # once per optimizer (and after a param group is added)
            ids = {id(p) for g in opt.param_groups for p in g["params"]}
            curve = None
            if len(self.players) == 1 and len(self.optimizers) > 1:  # one per optimizer
                curve = f"optimizer{next(i for i, o in enumerate(self.optimizers) if o is opt)}"
            found = self._owner_cache[key] = [
                (self.monitors[name], curve or self._curve_of(name))
                for name, m in self.players.items()
                if any(id(p) in ids for p in m.parameters())]
        return found

    def _curve_of(self, name: str) -> str:
        return name if len(self.players) > 1 else "loss"

    def _pre_step(self, opt: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        if self._inside_lint:
            return
        if self._catcher is not None:
            self._end_catcher()
        loss = self._pending_loss
        for mon, _ in self._owners(opt):
            mon.after_backward(loss)

    def _post_step(self, opt: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        if self._inside_lint:
            return
        owners = self._owners(opt)
        if owners:
            self._step_players(owners, self._pending_loss)

    def _step_players(self, owners: list[tuple[Monitor, str]], loss: Any) -> None:
        if self._logged_loss:
            loss = None
        for mon, curve in owners:
            mon.step_end(loss, player=curve)
        self._pending_loss = None
        self._logged_loss = False
        self._loss_given = False
        if self._forward_seen:  # the first batch is linted in its own step or not at all
            self._lint_pending = False
            self._first_input = None
            self._forward_seen = False
        self.steps += 1
        self._window += 1
        if self._window >= self.settings["report_every"]:
            self._judge()

    # ------------------------------------------------------- manual driving

    def after_backward(self) -> None:
        """For integrations (``hooks=False``): gradients are set, the step is next."""
        self._end_catcher()
        for m in self.monitors.values():
            m.after_backward(self._pending_loss)

    def step_end(self, loss: torch.Tensor | float | None = None) -> None:
        """For integrations (``hooks=False``): the optimizer step is done."""
        self._step_players([(m, self._curve_of(n)) for n, m in self.monitors.items()],
                           loss if loss is not None else self._pending_loss)

    def log_loss(self, value: torch.Tensor | float, player: str | None = None) -> None:
        """Give this step's loss by hand (for losses the watch cannot see)."""
        name = player or "loss"
        mon = self.monitors.get(player or "", self.monitors[next(iter(self.monitors))])
        mon.log_loss(value, name)
        self._logged_loss = True

    # ----------------------------------------------------------- judging

    def _judge(self) -> None:
        self._window = 0
        for m in self.monitors.values():
            m.epoch_end()
            for i, f in enumerate(m.findings()):
                # the monitor's order (a step that caused a NaN puts learning_rate_high
                # before nonfinite) is kept
                self._order[(f.code, f.where if len(self.monitors) == 1
                             else f"{self._name_of(m)}.{f.where}")] = i
                where = f.where if len(self.monitors) == 1 else f"{self._name_of(m)}.{f.where}"
                if where != f.where:
                    f = replace(f, where=where)
                self._report(f, source="monitor")

    def _name_of(self, m: Monitor) -> str:
        return next(k for k, v in self.monitors.items() if v is m)

    def _report(self, f: Finding, source: str) -> None:
        key = (f.code, f.where)
        self._seen[key] = f
        if key in self._reported:
            return
        self._reported.add(key)
        if self.settings["stream"] and self._rank == 0:
            _ensure_handler()
            logger.log(_LEVEL[f.severity], "%s %s at %s: %s | fix: %s", f.severity, f.code,
                       f.where, f.message, f.fix, extra={"finding": f, "source": source})

    # ----------------------------------------------------------- results

    def findings(self) -> list[Finding]:
        """Every finding so far (lint first, then the monitor's, most urgent first)."""
        if self._open and any(m._batch or any(m._losses.values())
                              for m in self.monitors.values()):
            self._judge()
        lint_keys = {(f.code, f.where) for f in self._lint}
        rest = [f for k, f in self._seen.items() if k not in lint_keys]
        rest.sort(key=lambda f: (self._order.get((f.code, f.where), len(_PRIORITY)),
                                 _PRIORITY.get(f.code, len(_PRIORITY))))
        return [*self._lint, *rest]

    def to_json(self) -> dict[str, Any]:
        """The findings and the last statistics, as plain JSON-ready data."""
        found = self.findings()
        return {
            "steps": self.steps,
            "lint": [f.to_json() for f in self._lint],
            "findings": [f.to_json() for f in found],
            "monitors": {k: m.summary().to_json() for k, m in self.monitors.items()},
        }

    def summary_size(self) -> int:
        """Numbers kept by the watch and its monitors (bounded whatever the run length)."""
        return sum(m.summary_size() for m in self.monitors.values()) + len(self._seen)

    # ------------------------------------------------ lab trainer callback

    def on_train_begin(self, state: TrainState) -> None:
        self.open()

    def on_after_backward(self, state: TrainState) -> None:
        if not self.settings["hooks"]:
            self.after_backward()

    def on_batch_end(self, state: TrainState) -> None:
        if not self.settings["hooks"]:
            self.step_end(state.loss)

    def on_train_end(self, state: TrainState) -> None:
        self.close()


_HOOK_DICTS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
               "_backward_pre_hooks", "_forward_hooks_with_kwargs",
               "_forward_pre_hooks_with_kwargs", "_forward_hooks_always_called")


def _hookless_copy(model: nn.Module) -> nn.Module:
    """A deep copy of ``model`` without its hooks (the originals are left in place)."""
    stash = {}
    for m in model.modules():
        stash[m] = {k: getattr(m, k) for k in _HOOK_DICTS if hasattr(m, k)}
        for k in stash[m]:
            setattr(m, k, type(stash[m][k])())
    try:
        with torch.no_grad():
            twin = copy.deepcopy(model)
    finally:
        for m, dicts in stash.items():
            for k, v in dicts.items():
                setattr(m, k, v)
    return twin


_HANDLER: logging.Handler | None = None


def _ensure_handler() -> None:
    """On a terminal with logging not set up, findings show as one rich line each."""
    global _HANDLER
    if _HANDLER is not None or logger.hasHandlers() or not sys.stderr.isatty():
        return
    try:
        from rich.logging import RichHandler

        _HANDLER = RichHandler(show_time=False, show_path=False, markup=False)
    except ImportError:  # pragma: no cover - rich is a core dependency
        _HANDLER = logging.StreamHandler()
    logger.addHandler(_HANDLER)
    logger.setLevel(logging.INFO)


def watch(model: nn.Module | Iterable[nn.Module] | Mapping[str, nn.Module],
          loss_fn: Callable[..., Any] | None = None,
          optimizer: torch.optim.Optimizer | Iterable[torch.optim.Optimizer] | None = None,
          **settings: Any) -> Watch:
    """Lint the first real batch, then monitor training; no change to the loop.

    Args:
        model: the ``nn.Module`` being trained; for adversarial training a list or a
            dict of modules (the players, e.g. ``{"generator": G, "discriminator": D}``).
        loss_fn: the loss module or function (optional: a loss computed from the
            model's output is found by itself; :meth:`Watch.log_loss` gives one by hand).
        optimizer: the optimizer, or a list of them (one per player); without one the
            process-wide optimizer hooks are used.
        **settings: ``lint`` (True), ``report_every`` (100 steps), ``stream`` (True),
            ``task`` ('' or 'gan'), ``hooks`` (True), and every threshold of
            :func:`actloss.diagnostics.monitor` (``every`` is 20 here, not 10).
            Activation and gradient statistics, update ratios and the NaN check of
            the outputs run on one step in ``every``; the loss is read, and checked
            for NaN/Inf, on every step. At these defaults a watch costs about 6% of a
            training step of the digits MLP and 3% of a small CNN's on one CPU thread
            (``python -m benchmarks.monitor``; method in ``docs/benchmarks.md``).

    Returns:
        A :class:`Watch`, already hooked; use it as a context manager or call
        :meth:`Watch.close` at the end.

    Raises:
        InputError: ``model``, ``loss_fn`` or ``optimizer`` of the wrong type.
        ParameterError, UnknownNameError: a setting outside its range, or unknown.
    """
    return Watch(model, loss_fn, optimizer, **settings)


class _CallableModule(types.ModuleType):
    """``actloss.watch`` is this module once it is imported (a package attribute named
    like its submodule is replaced by the submodule), so the module itself calls
    :func:`watch`: ``actloss.watch(model)`` works before and after the import."""

    def __call__(self, *args: Any, **kwargs: Any) -> Watch:
        return watch(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
