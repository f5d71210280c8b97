/*
 * actloss native kernels: element-wise activations and losses in one pass, float32.
 *
 * Built on first use by actloss.kernels._native with the system C compiler
 * (cc -O3 -march=native -fopenmp-simd -pthread) and loaded with ctypes; nothing here
 * depends on PyTorch's headers. Each kernel reads its inputs once and writes its
 * outputs once; the transcendental functions are vectorisable polynomial forms
 * (Cody-Waite exp, atanh-series log) accurate to a few float32 ulps, with
 * log-space forms where a direct one would cancel or overflow. Work is split over
 * `nthreads` POSIX threads in contiguous chunks.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define ACTLOSS_NATIVE_VERSION 1
#define MAX_THREADS 64
#define MIN_CHUNK 16384
#define INLINE static inline __attribute__((always_inline))

typedef void (*chunk_fn)(void *args, int64_t begin, int64_t end, int tid);

typedef struct {
    chunk_fn fn;
    void *args;
    int64_t begin, end;
    int tid;
} job_t;

static void *run_job(void *p) {
    job_t *j = (job_t *)p;
    j->fn(j->args, j->begin, j->end, j->tid);
    return NULL;
}

/* Run fn over [0, n) in at most nthreads contiguous chunks (multiples of 16). */
static void parallel_for(chunk_fn fn, void *args, int64_t n, int nthreads) {
    int nt = nthreads < 1 ? 1 : (nthreads > MAX_THREADS ? MAX_THREADS : nthreads);
    if (n < (int64_t)nt * MIN_CHUNK) nt = (int)(n / MIN_CHUNK);
    if (nt <= 1) {
        fn(args, 0, n, 0);
        return;
    }
    job_t jobs[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    int started[MAX_THREADS];
    int64_t per = ((n + nt - 1) / nt + 15) & ~(int64_t)15;
    for (int k = 0; k < nt; ++k) {
        int64_t b = (int64_t)k * per, e = b + per;
        jobs[k].fn = fn;
        jobs[k].args = args;
        jobs[k].begin = b < n ? b : n;
        jobs[k].end = e < n ? e : n;
        jobs[k].tid = k;
    }
    for (int k = 1; k < nt; ++k)
        started[k] = pthread_create(&threads[k], NULL, run_job, &jobs[k]) == 0;
    run_job(&jobs[0]);
    for (int k = 1; k < nt; ++k) {
        if (started[k])
            pthread_join(threads[k], NULL);
        else
            run_job(&jobs[k]); /* could not start a thread: do its share here */
    }
}

/* ------------------------------------------------------------------ scalar math */
/* bit casts through a union (defined in C, and transparent to the vectoriser) */
typedef union {
    float f;
    int32_t i;
} bits32;

INLINE float as_float(int32_t i) {
    bits32 u;
    u.i = i;
    return u.f;
}

INLINE int32_t as_int(float f) {
    bits32 u;
    u.f = f;
    return u.i;
}

#define EXP_OVER 88.72283935546875f /* above: exp overflows float32 */
#define EXP_LO (-87.33654022216797f) /* below: exp is subnormal, flushed to 0 */

/* exp(r) for |r| <= ln(2)/2: 1 + r + r^2 q(r), Cephes' coefficients (about 1 ulp),
 * q evaluated by Estrin's scheme: a short dependency chain keeps the pipelines busy. */
INLINE float exp_poly(float r) {
    float r2 = r * r;
    float a = 5.0000001201e-1f + 1.6666665459e-1f * r;
    float b = 4.1665795894e-2f + 8.3334519073e-3f * r;
    float c = 1.3981999507e-3f + 1.9875691500e-4f * r;
    float q = (a + b * r2) + c * (r2 * r2);
    return (1.0f + r) + q * r2;
}

/* exp(hi + lo) for hi + lo <= 0 (or NaN), |lo| small or hi + lo in range: Cody-Waite
 * reduction with ln 2 split so that n * C1 is exact; lo carries what hi's rounding
 * lost. 0 below EXP_LO (the subnormal range), NaN kept. */
INLINE float exp2_neg(float hi, float lo) {
    float x = hi + lo;
    float xc = EXP_LO > x ? EXP_LO : x; /* max(EXP_LO, x), NaN kept */
    float n = rintf(xc * 1.44269504088896341f);
    float r = (hi - n * 0.693359375f) + lo;
    r = r - n * -2.12194440e-4f;
    float y = exp_poly(r) * as_float(((int32_t)n + 127) << 23);
    return x < EXP_LO ? 0.0f : y;
}

/* exp(x) for x <= 0 (or NaN). */
INLINE float exp_neg(float x) {
    float xc = EXP_LO > x ? EXP_LO : x;
    float n = rintf(xc * 1.44269504088896341f);
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float y = exp_poly(r) * as_float(((int32_t)n + 127) << 23);
    return x < EXP_LO ? 0.0f : y;
}

/* exp(x) for any x: +inf above EXP_OVER, 0 below EXP_LO, NaN kept. */
INLINE float exp_gen(float x) {
    float xc = x > EXP_OVER ? EXP_OVER : x;
    xc = EXP_LO > xc ? EXP_LO : xc;
    float n = rintf(xc * 1.44269504088896341f);
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    int32_t ni = (int32_t)n;
    int32_t n1 = ni >> 1; /* 2^n = 2^n1 2^(n - n1), both factors normal for n <= 128 */
    float y = exp_poly(r) * as_float((n1 + 127) << 23) * as_float((ni - n1 + 127) << 23);
    y = x > EXP_OVER ? INFINITY : y;
    return x < EXP_LO ? 0.0f : y;
}

/* expm1(z) for z <= 0 (or NaN): Taylor series near 0, exp(z) - 1 beyond. */
INLINE float expm1_neg(float z) {
    float s = z * (1.0f + z * (0.5f + z * (1.0f / 6 + z * (1.0f / 24 + z * (1.0f / 120
              + z * (1.0f / 720 + z * (1.0f / 5040)))))));
    float e = exp_neg(z) - 1.0f;
    return z > -0.3466f ? s : e;
}

#define LN2_HI 0.693145751953125f
#define LN2_LO 1.428606765330187e-06f

/* log(v) for positive normal v: v = 2^e m with m in [sqrt(1/2), sqrt 2), then a
 * degree-9 polynomial in m - 1 (Cephes' logf): no division. */
INLINE float log_f(float v) {
    int32_t b = as_int(v);
    int32_t e = ((b >> 23) & 0xff) - 126; /* v = 2^e m, m in [1/2, 1) */
    float m = as_float((b & 0x007fffff) | 0x3f000000);
    int32_t lo = m < 0.70710678118654752f;
    e -= lo;
    float f = lo ? m + m - 1.0f : m - 1.0f;
    float z = f * f;
    /* Cephes' degree-8 polynomial c0 + c1 f + ... + c8 f^8, by Estrin's scheme */
    float p01 = 3.3333331174e-1f - 2.4999993993e-1f * f;
    float p23 = 2.0000714765e-1f - 1.6668057665e-1f * f;
    float p45 = 1.4249322787e-1f - 1.2420140846e-1f * f;
    float p67 = 1.1676998740e-1f - 1.1514610310e-1f * f;
    float z2 = z * z;
    float q = (p01 + p23 * z) + (p45 + p67 * z) * z2 + 7.0376836292e-2f * (z2 * z2);
    float y = q * f * z;
    float ef = (float)e;
    y += -2.12194440e-4f * ef;
    y += -0.5f * z;
    return f + y + 0.693359375f * ef;
}

/* log1p(u) for u in [0, 1] given r = 1/(1 + u): log(w) for w = fl(1 + u), plus the
 * first-order correction (u - (w - 1))/w for the rounding of w. */
INLINE float log1p_unit_r(float u, float r) {
    float w = 1.0f + u;
    return log_f(w) + (u - (w - 1.0f)) * r;
}

INLINE float log1p_unit(float u) { return log1p_unit_r(u, 1.0f / (1.0f + u)); }

/* sigma(x) and sigma(-x) from e = exp(-|x|), with no cancellation in either tail. */
INLINE void sigmoid_pair(float x, float *sp, float *sm) {
    float e = exp_neg(-fabsf(x));
    float r = 1.0f / (1.0f + e);
    float er = e * r;
    *sp = x >= 0.0f ? r : er;
    *sm = x >= 0.0f ? er : r;
}

/* e = exp(-|c x|), r = 1/(1 + e) and log1p(e) for m elements, in two loops: each is a
 * short dependency chain, so the processor overlaps iterations (one fused exp -> log
 * loop is latency-bound: 1.3-1.6x slower, measured). Used by softplus, BCE and focal. */
#define STAGE 1024 /* elements per staged block (three float buffers: 12 KiB) */

INLINE void stage_exp_log(const float *restrict X, int64_t m, float c, float *restrict E,
                          float *restrict R, float *restrict LG) {
    _Pragma("omp simd")
    for (int64_t j = 0; j < m; ++j) {
        float e = exp_neg(-fabsf(c * X[j]));
        E[j] = e;
        R[j] = 1.0f / (1.0f + e);
    }
    _Pragma("omp simd")
    for (int64_t j = 0; j < m; ++j) LG[j] = log1p_unit_r(E[j], R[j]);
}

/* WIDE_BEGIN ... WIDE_END: 512-bit vectors for the loops between them on AVX-512 targets
 * (GCC; the build's default width is 256). The activation, softmax-row and focal loops
 * are bound by the exponential, the logarithm and the division, and the wider vectors
 * issue half the instructions: 15-25 % less time per element on AMD EPYC. Elsewhere
 * (other compilers, AVX2 targets) they are empty. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#define WIDE_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"prefer-vector-width=512\")")
#define WIDE_END _Pragma("GCC pop_options")
#else
#define WIDE_BEGIN
#define WIDE_END
#endif

/* ---------------------------------------------------------------- activations */
WIDE_BEGIN

enum {
    ACT_SIGMOID = 0,
    ACT_TANH = 1,
    ACT_SILU = 2,
    ACT_GELU = 3,
    ACT_GELU_TANH = 4,
    ACT_MISH = 5,
    ACT_ELU = 6,
    ACT_SOFTPLUS = 7,
    ACT_RELU = 8,
    ACT_LEAKY_RELU = 9,
    ACT_COUNT
};

#define GELU_K 0.044715f
#define SQRT_2_OVER_PI 0.79788456080286536f
#define INV_SQRT_2PI 0.39894228040143268f
#define GELU_CLAMP 100.0f

/* Each a_<name>(x, p1, p2, &d) returns f(x) and sets d = f'(x); inlined, the unused
 * half is dropped by the compiler. */
INLINE float a_sigmoid(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float sp, sm;
    sigmoid_pair(x, &sp, &sm);
    *d = sp * sm;
    return sp;
}

INLINE float a_tanh(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float m = expm1_neg(-2.0f * fabsf(x)); /* tanh|x| = -m / (2 + m) */
    float y = copysignf(-m / (2.0f + m), x);
    *d = 1.0f - y * y;
    return y;
}

INLINE float a_silu(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float sp, sm;
    sigmoid_pair(x, &sp, &sm);
    /* sigma (1 + x sigma(-x)); at x = +-inf the product term is 0 (its limit), and
     * silu(-inf) = -0 (the limit of x sigma(x)), not inf * 0 */
    *d = sp + (fabsf(x) < INFINITY ? x * sp * sm : 0.0f);
    return x == -INFINITY ? -0.0f : x * sp;
}

/* GELU: Phi(x) = erfc(-x/sqrt 2)/2 with erfc(z) = t Q(t) exp(-z^2), t = 1/(1 + z/2),
 * z = |x|/sqrt 2 <= 20/sqrt 2 (beyond |x| = 20 the tail is 0 in float32): Q(t) = erfcx(z)/t
 * is smooth on t in [0.12, 1] and a degree-8 polynomial fits it to 5e-8 relative (least
 * squares against mpmath). exp(-z^2) = exp(-x^2/2) also gives phi(x) = exp(-x^2/2)/sqrt(2
 * pi) for the derivative: one exponential and one division per element, and Phi keeps
 * its relative accuracy in the lower tail. x^2 is split into a float pair (fma) so that
 * its rounding does not reach the exponential. */
INLINE float a_gelu(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float xt = x > 20.0f ? 20.0f : (x < -20.0f ? -20.0f : x);
    float z = fabsf(xt) * 0.70710678118654752f;
    float t = 1.0f / (1.0f + 0.5f * z);
    float t2 = t * t, t4 = t2 * t2;
    float q01 = 2.820836902e-01f + 2.824256420e-01f * t;
    float q23 = 2.427207828e-01f + 2.042641044e-01f * t;
    float q45 = -3.048712201e-02f + 2.838473916e-01f * t;
    float q67 = -4.923887253e-01f + 2.871393859e-01f * t;
    float q = (q01 + q23 * t2) + (q45 + q67 * t2) * t4 - 5.960517377e-02f * (t4 * t4);
    float xx = xt * xt;
    float xxe = fmaf(xt, xt, -xx); /* x^2 = xx + xxe exactly */
    float ex = exp2_neg(-0.5f * xx, -0.5f * xxe); /* exp(-x^2/2) */
    float h = 0.5f * t * q * ex;                  /* erfc(z)/2 */
    float cdf = x <= 0.0f ? h : 1.0f - h;
    *d = cdf + xt * INV_SQRT_2PI * ex;
    return x == -INFINITY ? -0.0f : x * cdf; /* the limit at -inf is -0 */
}

INLINE float a_gelu_tanh(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float xc = x > GELU_CLAMP ? GELU_CLAMP : (x < -GELU_CLAMP ? -GELU_CLAMP : x);
    float x2 = xc * xc;
    float u2 = 2.0f * SQRT_2_OVER_PI * xc * (1.0f + GELU_K * x2);
    float sp, sm;
    sigmoid_pair(u2, &sp, &sm); /* (1 + tanh u) / 2 = sigma(2u) */
    *d = sp + xc * sp * sm * 2.0f * SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_K * x2);
    return x == -INFINITY ? -0.0f : x * sp; /* the limit at -inf is -0 */
}

/* mish = x tanh(softplus x). With e = exp(-|x|): for x <= 0, n = e(e + 2) and
 * tanh(softplus x) = n/(n + 2); for x > 0 the same ratio divided through by e^{2x}:
 * (1 + 2e)/(1 + 2e + 2e^2). f' = t + x sigma(x) (1 - t^2). */
INLINE float a_mish(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    float e = exp_neg(-fabsf(x));
    float num = x > 0.0f ? 1.0f + 2.0f * e : e * (e + 2.0f);
    float den = x > 0.0f ? num + 2.0f * e * e : num + 2.0f;
    float t = num / den;
    float r = 1.0f / (1.0f + e);
    float sp = x >= 0.0f ? r : e * r;
    float omt2 = (1.0f - t) * (1.0f + t);
    *d = t + (fabsf(x) < INFINITY ? x * sp * omt2 : 0.0f); /* limits at +-inf: 1, 0 */
    return x == -INFINITY ? -0.0f : x * t;                  /* mish(-inf) = -0 */
}

INLINE float a_elu(float x, float alpha, float p2, float *d) {
    (void)p2;
    float m = alpha * expm1_neg(x > 0.0f ? 0.0f : x); /* NaN passes through */
    *d = x <= 0.0f ? m + alpha : 1.0f; /* NaN: 1, as PyTorch */
    return x > 0.0f ? x : m;
}

INLINE float a_softplus(float x, float beta, float threshold, float *d) {
    float bx = beta * x;
    float e = exp_neg(-fabsf(bx));
    float r = 1.0f / (1.0f + e);
    float sp = ((bx > 0.0f ? bx : 0.0f) + log1p_unit_r(e, r)) * (1.0f / beta);
    float s = bx >= 0.0f ? r : e * r;
    *d = bx > threshold ? 1.0f : s;
    return bx > threshold ? x : sp;
}

INLINE float a_relu(float x, float p1, float p2, float *d) {
    (void)p1; (void)p2;
    *d = x <= 0.0f ? 0.0f : 1.0f; /* NaN: 1, as PyTorch's threshold_backward */
    return x > 0.0f ? x : (x != x ? x : 0.0f);
}

INLINE float a_leaky_relu(float x, float slope, float p2, float *d) {
    (void)p2;
    *d = x > 0.0f ? 1.0f : slope;
    return x > 0.0f ? x : slope * x;
}

/* Streaming stores. An output too large for the caches is written with non-temporal
 * stores: each line goes to memory without first being read (a plain store to a line
 * that is not cached reads it first), and the caches keep the inputs. The kernels then
 * compute a tile of TILE elements into a buffer in L1 and stream it out; below
 * STREAM_MIN_BYTES per output, plain stores run (the next operation reads the output
 * back from the cache). AVX-512, AVX or SSE2 stores; elsewhere plain copies. */
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__AVX512F__)
#define STREAM_ALIGN 64
#elif defined(__AVX__)
#define STREAM_ALIGN 32
#elif defined(__SSE2__)
#define STREAM_ALIGN 16
#else
#define STREAM_ALIGN 0
#endif
#define TILE 1024
#define STREAM_MIN_BYTES ((int64_t)8 << 20)

/* dst[0:nbytes] = src[0:nbytes]: plain copies up to dst's first STREAM_ALIGN boundary
 * and for the tail, streaming stores in between (src is an aligned L1 tile) */
INLINE void stream_copy(void *dst_, const void *src_, int64_t nbytes) {
    char *dst = (char *)dst_;
    const char *src = (const char *)src_;
#if STREAM_ALIGN
    int64_t head = (int64_t)((STREAM_ALIGN - ((uintptr_t)dst & (STREAM_ALIGN - 1)))
                             & (STREAM_ALIGN - 1));
    if (head > nbytes) head = nbytes;
    memcpy(dst, src, (size_t)head);
    int64_t j = head;
    for (; j + STREAM_ALIGN <= nbytes; j += STREAM_ALIGN) {
#if defined(__AVX512F__)
        _mm512_stream_si512((__m512i *)(void *)(dst + j),
                            _mm512_loadu_si512((const void *)(src + j)));
#elif defined(__AVX__)
        _mm256_stream_si256((__m256i *)(void *)(dst + j),
                            _mm256_loadu_si256((const __m256i *)(const void *)(src + j)));
#else
        _mm_stream_si128((__m128i *)(void *)(dst + j),
                         _mm_loadu_si128((const __m128i *)(const void *)(src + j)));
#endif
    }
    memcpy(dst + j, src + j, (size_t)(nbytes - j));
#else
    memcpy(dst, src, (size_t)nbytes);
#endif
}

/* orders the streaming stores of this thread before its later stores (and the join) */
INLINE void stream_fence(void) {
#if STREAM_ALIGN
    _mm_sfence();
#endif
}

INLINE int streams(int64_t n, int64_t elem_bytes) { return n * elem_bytes >= STREAM_MIN_BYTES; }

typedef struct {
    const float *x; /* input, or the saved tensor in the backward */
    const float *g; /* backward: incoming gradient */
    float *y;       /* output (the gradient, in the backward) */
    float *d;       /* forward: f'(x) when not NULL */
    float p1, p2;
    int stream;     /* outputs written with streaming stores (see stream_copy) */
} act_args;

/* forward (y, and d when asked) and the backward that recomputes f'(x) from x; each
 * a loop over [b, e) (span_*) run directly, or tile by tile into L1 then streamed out */
#define ACT_FWD_LOOP(NAME)                                                          \
    INLINE void span_fwd_##NAME(const float *restrict X, float *restrict Y,         \
                                float *restrict D, int64_t b, int64_t e,            \
                                const float p1, const float p2) {                   \
        if (D) {                                                                    \
            _Pragma("omp simd")                                                     \
            for (int64_t i = b; i < e; ++i) {                                       \
                float dv;                                                           \
                Y[i] = a_##NAME(X[i], p1, p2, &dv);                                 \
                D[i] = dv;                                                          \
            }                                                                       \
        } else {                                                                    \
            _Pragma("omp simd")                                                     \
            for (int64_t i = b; i < e; ++i) {                                       \
                float dv;                                                           \
                Y[i] = a_##NAME(X[i], p1, p2, &dv);                                 \
            }                                                                       \
        }                                                                           \
    }                                                                               \
    static void fwd_##NAME(void *a_, int64_t b, int64_t e, int tid) {               \
        (void)tid;                                                                  \
        const act_args *a = (const act_args *)a_;                                   \
        if (!a->stream) {                                                           \
            span_fwd_##NAME(a->x, a->y, a->d, b, e, a->p1, a->p2);                  \
            return;                                                                 \
        }                                                                           \
        float TY[TILE] __attribute__((aligned(64)));                                \
        float TD[TILE] __attribute__((aligned(64)));                                \
        for (int64_t s0 = b; s0 < e; s0 += TILE) {                                  \
            const int64_t m = e - s0 < TILE ? e - s0 : TILE;                        \
            span_fwd_##NAME(a->x + s0, TY, a->d ? TD : NULL, 0, m, a->p1, a->p2);   \
            stream_copy(a->y + s0, TY, m * 4);                                      \
            if (a->d) stream_copy(a->d + s0, TD, m * 4);                            \
        }                                                                           \
        stream_fence();                                                             \
    }

#define ACT_BWD_LOOP(NAME)                                                          \
    INLINE void span_bwd_##NAME(const float *restrict X, const float *restrict G,   \
                                float *restrict Y, int64_t b, int64_t e,            \
                                const float p1, const float p2) {                   \
        _Pragma("omp simd")                                                         \
        for (int64_t i = b; i < e; ++i) {                                           \
            float dv;                                                               \
            a_##NAME(X[i], p1, p2, &dv);                                            \
            Y[i] = G[i] * dv;                                                       \
        }                                                                           \
    }                                                                               \
    static void bwd_##NAME(void *a_, int64_t b, int64_t e, int tid) {               \
        (void)tid;                                                                  \
        const act_args *a = (const act_args *)a_;                                   \
        if (!a->stream) {                                                           \
            span_bwd_##NAME(a->x, a->g, a->y, b, e, a->p1, a->p2);                  \
            return;                                                                 \
        }                                                                           \
        float TY[TILE] __attribute__((aligned(64)));                                \
        for (int64_t s0 = b; s0 < e; s0 += TILE) {                                  \
            const int64_t m = e - s0 < TILE ? e - s0 : TILE;                        \
            span_bwd_##NAME(a->x + s0, a->g + s0, TY, 0, m, a->p1, a->p2);          \
            stream_copy(a->y + s0, TY, m * 4);                                      \
        }                                                                           \
        stream_fence();                                                             \
    }

#define ACT_LOOPS(NAME) ACT_FWD_LOOP(NAME) ACT_BWD_LOOP(NAME)

ACT_LOOPS(sigmoid)
ACT_LOOPS(tanh)
ACT_LOOPS(silu)
ACT_LOOPS(gelu)
ACT_LOOPS(gelu_tanh)
ACT_LOOPS(mish)
ACT_LOOPS(elu)
ACT_BWD_LOOP(softplus) /* forward: fwd_softplus_staged */
ACT_LOOPS(relu)
ACT_LOOPS(leaky_relu)

/* softplus forward by blocks in stages (stage_exp_log, then the rest) */
static void fwd_softplus_staged(void *a_, int64_t b, int64_t e_end, int tid) {
    (void)tid;
    const act_args *a = (const act_args *)a_;
    const float *restrict X = a->x;
    float *restrict Y = a->y;
    float *restrict D = a->d;
    const float beta = a->p1, threshold = a->p2, inv_beta = 1.0f / a->p1;
    float E[STAGE] __attribute__((aligned(64)));
    float R[STAGE] __attribute__((aligned(64)));
    float LG[STAGE] __attribute__((aligned(64)));
    float TY[STAGE] __attribute__((aligned(64))); /* tiles of y and d when streaming */
    float TD[STAGE] __attribute__((aligned(64)));
    for (int64_t s0 = b; s0 < e_end; s0 += STAGE) {
        const int64_t m = e_end - s0 < STAGE ? e_end - s0 : STAGE;
        float *restrict Yo = a->stream ? TY : Y + s0;
        float *restrict Do = a->stream ? TD : (D ? D + s0 : NULL);
        stage_exp_log(X + s0, m, beta, E, R, LG);
        _Pragma("omp simd")
        for (int64_t j = 0; j < m; ++j) {
            const float x = X[s0 + j], bx = beta * x;
            const float sp = ((bx > 0.0f ? bx : 0.0f) + LG[j]) * inv_beta;
            Yo[j] = bx > threshold ? x : sp;
        }
        if (D) {
            _Pragma("omp simd")
            for (int64_t j = 0; j < m; ++j) {
                const float bx = beta * X[s0 + j];
                const float s = bx >= 0.0f ? R[j] : E[j] * R[j];
                Do[j] = bx > threshold ? 1.0f : s;
            }
        }
        if (a->stream) {
            stream_copy(Y + s0, TY, m * 4);
            if (D) stream_copy(D + s0, TD, m * 4);
        }
    }
    if (a->stream) stream_fence();
}

/* backward from the saved output, PyTorch's rules for sigmoid, tanh and elu */
#define FROM_OUTPUT(NAME, EXPR)                                                     \
    INLINE void span_out_##NAME(const float *restrict Yo, const float *restrict G,  \
                                float *restrict DX, int64_t b, int64_t e,           \
                                const float p1) {                                   \
        (void)p1;                                                                   \
        _Pragma("omp simd")                                                         \
        for (int64_t i = b; i < e; ++i) {                                           \
            const float y = Yo[i];                                                  \
            DX[i] = EXPR;                                                           \
        }                                                                           \
    }                                                                               \
    static void out_##NAME(void *a_, int64_t b, int64_t e, int tid) {               \
        (void)tid;                                                                  \
        const act_args *a = (const act_args *)a_;                                   \
        if (!a->stream) {                                                           \
            span_out_##NAME(a->x, a->g, a->y, b, e, a->p1);                         \
            return;                                                                 \
        }                                                                           \
        float TY[TILE] __attribute__((aligned(64)));                                \
        for (int64_t s0 = b; s0 < e; s0 += TILE) {                                  \
            const int64_t m = e - s0 < TILE ? e - s0 : TILE;                        \
            span_out_##NAME(a->x + s0, a->g + s0, TY, 0, m, a->p1);                 \
            stream_copy(a->y + s0, TY, m * 4);                                      \
        }                                                                           \
        stream_fence();                                                             \
    }

FROM_OUTPUT(sigmoid, G[i] * (y * (1.0f - y)))
FROM_OUTPUT(tanh, G[i] * (1.0f - y * y))
FROM_OUTPUT(elu, y <= 0.0f ? G[i] * (y + p1) : G[i]) /* NaN: g, as PyTorch */

static const chunk_fn ACT_FWD[ACT_COUNT] = {
    fwd_sigmoid, fwd_tanh, fwd_silu, fwd_gelu, fwd_gelu_tanh,
    fwd_mish, fwd_elu, fwd_softplus_staged, fwd_relu, fwd_leaky_relu,
};
static const chunk_fn ACT_BWD[ACT_COUNT] = {
    bwd_sigmoid, bwd_tanh, bwd_silu, bwd_gelu, bwd_gelu_tanh,
    bwd_mish, bwd_elu, bwd_softplus, bwd_relu, bwd_leaky_relu,
};
static const chunk_fn ACT_OUT[ACT_COUNT] = {
    out_sigmoid, out_tanh, NULL, NULL, NULL, NULL, out_elu, NULL, NULL, NULL,
};

int actloss_version(void) { return ACTLOSS_NATIVE_VERSION; }

/* y = f(x) and, when d is not NULL, d = f'(x). Returns 0, or -1 for an unknown kind. */
int actloss_act_forward(int kind, const float *x, float *y, float *d, int64_t n, float p1,
                        float p2, int nthreads) {
    if (kind < 0 || kind >= ACT_COUNT) return -1;
    act_args a = {x, NULL, y, d, p1, p2, streams(n, 4)};
    parallel_for(ACT_FWD[kind], &a, n, nthreads);
    return 0;
}

/* dx = g f'(x) recomputed from the input x. Returns 0, or -1 for an unknown kind. */
int actloss_act_backward(int kind, const float *x, const float *g, float *dx, int64_t n,
                         float p1, float p2, int nthreads) {
    if (kind < 0 || kind >= ACT_COUNT) return -1;
    act_args a = {x, g, dx, NULL, p1, p2, streams(n, 4)};
    parallel_for(ACT_BWD[kind], &a, n, nthreads);
    return 0;
}

/* dx = g f'(x) from the saved output y (sigmoid, tanh, elu). Returns 0, or -1 for a
 * kind without an output rule. */
int actloss_act_backward_from_output(int kind, const float *y, const float *g, float *dx,
                                     int64_t n, float p1, int nthreads) {
    if (kind < 0 || kind >= ACT_COUNT || ACT_OUT[kind] == NULL) return -1;
    act_args a = {y, g, dx, NULL, p1, 0.0f, streams(n, 4)};
    parallel_for(ACT_OUT[kind], &a, n, nthreads);
    return 0;
}

/* the backward from a saved derivative: dx = g d (a->g, a->x: d, a->y: dx) */
INLINE void span_mul(const float *restrict D, const float *restrict G, float *restrict DX,
                     int64_t b, int64_t e) {
    _Pragma("omp simd")
    for (int64_t i = b; i < e; ++i) DX[i] = G[i] * D[i];
}

static void act_mul(void *a_, int64_t b, int64_t e, int tid) {
    (void)tid;
    const act_args *a = (const act_args *)a_;
    if (!a->stream) {
        span_mul(a->x, a->g, a->y, b, e);
        return;
    }
    float TY[TILE] __attribute__((aligned(64)));
    for (int64_t s0 = b; s0 < e; s0 += TILE) {
        const int64_t m = e - s0 < TILE ? e - s0 : TILE;
        span_mul(a->x + s0, a->g + s0, TY, 0, m);
        stream_copy(a->y + s0, TY, m * 4);
    }
    stream_fence();
}

/* dx = g d from the saved derivative d = f'(x). */
void actloss_act_mul(const float *d, const float *g, float *dx, int64_t n, int nthreads) {
    act_args a = {d, g, dx, NULL, 0.0f, 0.0f, streams(n, 4)};
    parallel_for(act_mul, &a, n, nthreads);
}

/* ReLU and leaky ReLU saving a one-bit mask: bit i % 8 of byte i / 8 is 1[x_i > 0] (for
 * ReLU 1[!(x_i <= 0)], so that a NaN input passes its gradient on, as PyTorch's
 * threshold_backward does). The forward moves x and y plus n/8 bytes, the backward g and
 * dx plus n/8 bytes (PyTorch's backward reads the whole saved output). */
typedef struct {
    const float *x, *g;
    float *y;
    uint8_t *m;
    float slope;
    int stream; /* streaming stores (see stream_copy) */
} mask_args;

INLINE int relu_bit(float x, float s) { return s == 0.0f ? !(x <= 0.0f) : x > 0.0f; }

/* the mask bits of X[0:m] into B[0:(m + 7) / 8] */
INLINE void pack_bits(const float *restrict X, uint8_t *restrict B, int64_t m, const float s) {
    int64_t j = 0;
#if defined(__AVX512F__)
    const __m512 z = _mm512_setzero_ps();
    for (; j + 16 <= m; j += 16) {
        const __m512 v = _mm512_loadu_ps(X + j);
        const uint16_t k = s == 0.0f ? _mm512_cmp_ps_mask(v, z, _CMP_NLE_UQ)
                                     : _mm512_cmp_ps_mask(v, z, _CMP_GT_OQ);
        B[j / 8] = (uint8_t)k;
        B[j / 8 + 1] = (uint8_t)(k >> 8);
    }
#elif defined(__AVX__)
    const __m256 z = _mm256_setzero_ps();
    for (; j + 8 <= m; j += 8) {
        const __m256 v = _mm256_loadu_ps(X + j);
        const __m256 c = s == 0.0f ? _mm256_cmp_ps(v, z, _CMP_NLE_UQ)
                                   : _mm256_cmp_ps(v, z, _CMP_GT_OQ);
        B[j / 8] = (uint8_t)_mm256_movemask_ps(c);
    }
#endif
    for (; j < m; j += 8) {
        unsigned bits = 0;
        for (int t = 0; t < 8 && j + t < m; ++t) bits |= (unsigned)relu_bit(X[j + t], s) << t;
        B[j / 8] = (uint8_t)bits;
    }
}

/* y over [b, e) and the mask bytes from b / 8 on (b a multiple of 8) */
INLINE void span_mask_fwd(const float *restrict X, float *restrict Y, uint8_t *restrict M,
                          int64_t b, int64_t e, const float s) {
    if (s == 0.0f) {
        _Pragma("omp simd")
        for (int64_t i = b; i < e; ++i) {
            const float x = X[i];
            Y[i] = x <= 0.0f ? 0.0f : x;
        }
    } else {
        _Pragma("omp simd")
        for (int64_t i = b; i < e; ++i) {
            const float x = X[i];
            Y[i] = x > 0.0f ? x : s * x;
        }
    }
    pack_bits(X + b, M + b / 8, e - b, s);
}

static void relu_mask_fwd(void *a_, int64_t b, int64_t e, int tid) {
    (void)tid;
    const mask_args *a = (const mask_args *)a_;
    if (!a->stream) {
        span_mask_fwd(a->x, a->y, a->m, b, e, a->slope);
        return;
    }
    float TY[TILE] __attribute__((aligned(64)));
    for (int64_t s0 = b; s0 < e; s0 += TILE) {
        const int64_t m = e - s0 < TILE ? e - s0 : TILE;
        span_mask_fwd(a->x + s0, TY, a->m + s0 / 8, 0, m, a->slope);
        stream_copy(a->y + s0, TY, m * 4);
    }
    stream_fence();
}

/* dx over [b, e) (b a multiple of 8): g where the bit is set, else slope g (ReLU: 0) */
INLINE void span_mask_bwd(const uint8_t *restrict M, const float *restrict G,
                          float *restrict D, int64_t b, int64_t e, const float s) {
    int64_t i = b;
#if defined(__AVX512F__)
    for (; i + 16 <= e; i += 16) {
        const __mmask16 k = (__mmask16)(M[i / 8] | (unsigned)M[i / 8 + 1] << 8);
        const __m512 g = _mm512_loadu_ps(G + i);
        const __m512 off = s == 0.0f ? _mm512_setzero_ps() : _mm512_mul_ps(g, _mm512_set1_ps(s));
        _mm512_storeu_ps(D + i, _mm512_mask_blend_ps(k, off, g));
    }
#elif defined(__AVX2__)
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    for (; i + 8 <= e; i += 8) {
        const __m256i sel = _mm256_and_si256(_mm256_set1_epi32(M[i / 8]), bit);
        const __m256 on = _mm256_castsi256_ps(_mm256_cmpeq_epi32(sel, bit));
        const __m256 g = _mm256_loadu_ps(G + i);
        const __m256 off = s == 0.0f ? _mm256_setzero_ps() : _mm256_mul_ps(g, _mm256_set1_ps(s));
        _mm256_storeu_ps(D + i, _mm256_blendv_ps(off, g, on));
    }
#endif
    for (; i < e; ++i)
        D[i] = (M[i / 8] >> (i % 8)) & 1 ? G[i] : (s == 0.0f ? 0.0f : s * G[i]);
}

static void relu_mask_bwd(void *a_, int64_t b, int64_t e, int tid) {
    (void)tid;
    const mask_args *a = (const mask_args *)a_;
    if (!a->stream) {
        span_mask_bwd(a->m, a->g, a->y, b, e, a->slope);
        return;
    }
    float TY[TILE] __attribute__((aligned(64)));
    for (int64_t s0 = b; s0 < e; s0 += TILE) {
        const int64_t m = e - s0 < TILE ? e - s0 : TILE;
        span_mask_bwd(a->m + s0 / 8, a->g + s0, TY, 0, m, a->slope);
        stream_copy(a->y + s0, TY, m * 4);
    }
    stream_fence();
}

/* y = max(x, 0) + slope min(x, 0) and the mask bits ((n + 7) / 8 bytes). */
void actloss_relu_forward(const float *x, float *y, uint8_t *mask, int64_t n, float slope,
                          int nthreads) {
    mask_args a = {x, NULL, y, mask, slope, streams(n, 4)};
    parallel_for(relu_mask_fwd, &a, n, nthreads);
}

/* dx = g where the mask bit is set, slope g elsewhere (ReLU: 0). */
void actloss_relu_backward(const uint8_t *mask, const float *g, float *dx, int64_t n,
                           float slope, int nthreads) {
    mask_args a = {NULL, g, dx, (uint8_t *)mask, slope, streams(n, 4)};
    parallel_for(relu_mask_bwd, &a, n, nthreads);
}

WIDE_END

/* --------------------------------------------------------------------- losses */
enum {
    LOSS_BCE = 0,       /* p1: pos_weight or NaN */
    LOSS_FOCAL = 1,     /* p1: alpha or NaN, p2: gamma */
    LOSS_HUBER = 2,     /* p1: delta, p2: divisor (smooth L1: beta) */
    LOSS_L1 = 3,
    LOSS_LOG_COSH = 4,
    LOSS_COUNT
};

typedef struct {
    const float *x, *t, *w; /* w may be NULL */
    float *loss;            /* per-element loss (times w), or NULL: sum only */
    float *grad;            /* d loss / dx, times w and scale */
    float scale, p1, p2;
    double partial[MAX_THREADS];
} loss_args;

#define TINY 1e-30f

/* BCE and focal take e = exp(-|x|), r = 1/(1 + e) and lg = log1p(e), computed by the
 * staged loops below (each stage a short dependency chain) */
INLINE float l_bce(float x, float t, float e, float r, float lg, float pw, int has_pw,
                   float *g) {
    float sm = x >= 0.0f ? e * r : r; /* sigma(-x) */
    /* has_pw is 0 or 1: arithmetic, not a branch (a branch here stops vectorisation) */
    float lw = 1.0f + (float)has_pw * (pw - 1.0f) * t;
    float spn = (x < 0.0f ? -x : 0.0f) + lg; /* softplus(-x) */
    *g = (1.0f - t) - lw * sm;
    return (1.0f - t) * x + lw * spn;
}

/* q = 1 - p_t from e and r */
INLINE float focal_q(float x, float t, float e, float r) {
    float sp = x >= 0.0f ? r : e * r;
    float sm = x >= 0.0f ? e * r : r;
    return t * sm + (1.0f - t) * sp;
}

/* gamma is a constant 0, 1 or 2 (q^gamma by multiplication); l_focal_any: the others */
INLINE float l_focal(float x, float t, float e, float r, float lg, float alpha,
                     int has_alpha, float gamma, float *g) {
    float sp = x >= 0.0f ? r : e * r;
    float sm = x >= 0.0f ? e * r : r;
    float bce = (x > 0.0f ? x : 0.0f) - x * t + lg;
    float q = t * sm + (1.0f - t) * sp; /* 1 - p_t */
    /* q^(gamma - 1) and q^gamma: the common exponents without exp/log */
    float qg1 = gamma == 2.0f ? q : (gamma == 1.0f ? 1.0f : 0.0f); /* q^(gamma - 1) */
    float qg = gamma == 0.0f ? 1.0f : qg1 * q;
    float at = 1.0f + (float)has_alpha * ((2.0f * alpha - 1.0f) * t - alpha);
    *g = at * ((sp - t) * qg + gamma * qg1 * (1.0f - 2.0f * t) * sp * sm * bce);
    return at * qg * bce;
}

/* any other gamma: qgen = q^(gamma - 1), computed by its own staged loop */
INLINE float l_focal_any(float x, float t, float e, float r, float lg, float qgen,
                         float alpha, int has_alpha, float gamma, float *g) {
    float sp = x >= 0.0f ? r : e * r;
    float sm = x >= 0.0f ? e * r : r;
    float bce = (x > 0.0f ? x : 0.0f) - x * t + lg;
    float q = t * sm + (1.0f - t) * sp;
    float qg = qgen * q;
    float at = 1.0f + (float)has_alpha * ((2.0f * alpha - 1.0f) * t - alpha);
    *g = at * ((sp - t) * qg + gamma * qgen * (1.0f - 2.0f * t) * sp * sm * bce);
    return at * qg * bce;
}

INLINE float l_huber(float x, float t, float delta, float div, float *g) {
    float d = x - t;
    float c = d > delta ? delta : (d < -delta ? -delta : d);
    *g = c / div;
    return c * (d - 0.5f * c) / div;
}

INLINE float l_l1(float x, float t, float *g) {
    float d = x - t;
    *g = d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : d); /* sign, NaN kept */
    return fabsf(d);
}

INLINE float l_log_cosh(float x, float t, float *g) {
    float d = x - t;
    float a = fabsf(d);
    float m = expm1_neg(-2.0f * a); /* exp(-2a) - 1 */
    float r = 1.0f / (2.0f + m);     /* 1 / (1 + exp(-2a)) */
    *g = copysignf(-m * r, d);       /* tanh d */
    /* log cosh a = a + log1p(exp(-2a)) - log 2, or its series below a = 1/4 */
    float a2 = a * a;
    float series = a2 * (0.5f + a2 * (-1.0f / 12 + a2 * (1.0f / 45 + a2 * (-17.0f / 2520))));
    float direct = a + log1p_unit_r(m + 1.0f, r) - 0.69314718055994531f;
    return a < 0.25f ? series : direct;
}

/* The arguments of a loss chunk, unpacked; p1 NaN means "not given": it is kept out of
 * the arithmetic (a NaN operand, even one selected away, made the loop scalar). */
#define LOSS_PROLOGUE                                                               \
    loss_args *a = (loss_args *)a_;                                                 \
    const float *restrict X = a->x;                                                 \
    const float *restrict T = a->t;                                                 \
    const float *restrict W = a->w;                                                 \
    float *restrict L = a->loss;                                                    \
    float *restrict Gr = a->grad;                                                   \
    const float scale = a->scale, p2 = a->p2;                                       \
    const int has1 = !(a->p1 != a->p1);                                             \
    const float p1 = has1 ? a->p1 : 0.0f;                                           \
    (void)p1; (void)p2; (void)has1;

/* The four loops (per-element output or a sum into ACC; weighted or not) of LOOP. */
#define LOSS_VARIANTS(LOOP, EXPR, ACC)                                              \
    if (L && W) {                                                                   \
        LOOP(EXPR, W[i], L[i] = l * wv)                                             \
    } else if (L) {                                                                 \
        LOOP(EXPR, 1.0f, L[i] = l)                                                  \
    } else if (W) {                                                                 \
        LOOP(EXPR, W[i], ACC += (l * wv))                                           \
    } else {                                                                        \
        LOOP(EXPR, 1.0f, ACC += l)                                                  \
    }

/* One loop per (weighted?, per-element?) pair, so that each is a straight vector loop. */
#define LOSS_LOOP(EXPR, WV, STORE)                                                  \
    _Pragma("omp simd reduction(+:acc)")                                            \
    for (int64_t i = b; i < e; ++i) {                                               \
        const float x = X[i], t = T[i];                                             \
        const float wv = WV;                                                        \
        float g;                                                                    \
        float l = EXPR;                                                             \
        STORE;                                                                      \
        Gr[i] = g * (wv * scale);                                                   \
    }

#define LOSS_CHUNK(NAME, EXPR)                                                      \
    static void NAME(void *a_, int64_t b, int64_t e, int tid) {                     \
        LOSS_PROLOGUE                                                               \
        double acc = 0.0;                                                           \
        LOSS_VARIANTS(LOSS_LOOP, EXPR, acc)                                         \
        a->partial[tid] = acc;                                                      \
    }

/* Losses built on exp(-|x|) and log1p of it, by blocks of STAGE elements: stage_exp_log,
 * then one loop for the rest. Per-block float sums are added in double. */


#define STAGED_LOOP(EXPR, WV, STORE)                                                \
    _Pragma("omp simd reduction(+:fa)")                                             \
    for (int64_t j = 0; j < m; ++j) {                                               \
        const int64_t i = s0 + j;                                                   \
        const float x = X[i], t = T[i], e = E[j], r = R[j], lg = LG[j];             \
        const float qp = pow_stage ? QP[j] : 0.0f;                                  \
        const float wv = WV;                                                        \
        float g;                                                                    \
        float l = EXPR;                                                             \
        STORE;                                                                      \
        Gr[i] = g * (wv * scale);                                                   \
    }

#define LOSS_CHUNK_STAGED(NAME, EXPR, POW)                                          \
    static void NAME(void *a_, int64_t b, int64_t e_end, int tid) {                 \
        LOSS_PROLOGUE                                                               \
        float E[STAGE] __attribute__((aligned(32)));                                \
        float R[STAGE] __attribute__((aligned(32)));                                \
        float LG[STAGE] __attribute__((aligned(32)));                               \
        float QP[STAGE] __attribute__((aligned(32)));                               \
        const int pow_stage = POW;                                                  \
        double acc = 0.0;                                                           \
        for (int64_t s0 = b; s0 < e_end; s0 += STAGE) {                             \
            const int64_t m = e_end - s0 < STAGE ? e_end - s0 : STAGE;              \
            stage_exp_log(X + s0, m, 1.0f, E, R, LG);                                     \
            if (pow_stage) { /* q^(p2 - 1), focal's exponent, in a loop of its own */ \
                _Pragma("omp simd")                                                 \
                for (int64_t j = 0; j < m; ++j) {                                   \
                    float q = focal_q(X[s0 + j], T[s0 + j], E[j], R[j]);            \
                    QP[j] = exp_gen((p2 - 1.0f) * log_f(q > TINY ? q : TINY));      \
                }                                                                   \
            }                                                                       \
            float fa = 0.0f;                                                        \
            LOSS_VARIANTS(STAGED_LOOP, EXPR, fa)                                    \
            acc += (double)fa;                                                      \
        }                                                                           \
        a->partial[tid] = acc;                                                      \
    }

LOSS_CHUNK_STAGED(loss_bce, ((void)qp, l_bce(x, t, e, r, lg, p1, has1, &g)), 0)
LOSS_CHUNK_STAGED(loss_focal, l_focal_any(x, t, e, r, lg, qp, p1, has1, p2, &g), 1)
/* gamma 0, 1 and 2: focal_int0/1/2, defined at the end of this file */
static void focal_int2(void *a_, int64_t b, int64_t e_end, int tid);
static void focal_int1(void *a_, int64_t b, int64_t e_end, int tid);
static void focal_int0(void *a_, int64_t b, int64_t e_end, int tid);
LOSS_CHUNK(loss_huber, l_huber(x, t, p1, p2, &g))
LOSS_CHUNK(loss_l1, l_l1(x, t, &g))
LOSS_CHUNK(loss_log_cosh, l_log_cosh(x, t, &g))

static const chunk_fn LOSS_FN[LOSS_COUNT] = {
    loss_bce, loss_focal, loss_huber, loss_l1, loss_log_cosh,
};

/* Loss and gradient in one pass. grad[i] = w[i] scale dl/dx; loss[i] = w[i] l(x, t)
 * when loss is not NULL. Returns sum_i w[i] l (0 when loss is given), or NaN for an
 * unknown kind. */
double actloss_loss(int kind, const float *x, const float *t, const float *w, float *loss,
                    float *grad, int64_t n, float scale, float p1, float p2, int nthreads) {
    if (kind < 0 || kind >= LOSS_COUNT) return NAN;
    loss_args a;
    a.x = x;
    a.t = t;
    a.w = w;
    a.loss = loss;
    a.grad = grad;
    a.scale = scale;
    a.p1 = p1;
    a.p2 = p2;
    for (int k = 0; k < MAX_THREADS; ++k) a.partial[k] = 0.0;
    chunk_fn fn = LOSS_FN[kind];
    if (kind == LOSS_FOCAL)
        fn = p2 == 2.0f ? focal_int2 : (p2 == 1.0f ? focal_int1 : (p2 == 0.0f ? focal_int0 : fn));
    parallel_for(fn, &a, n, nthreads);
    double s = 0.0;
    for (int k = 0; k < MAX_THREADS; ++k) s += a.partial[k];
    return s;
}

/* ============================================================ softmax rows (losses)
 * Softmax cross-entropy over the rows of (n, c) float32 logits: the loss per row and,
 * when asked, its gradient, each row while it is in the L2 cache:
 *
 *   pass 1 reads the row (its max, and the weighted sum of the logits for smoothing);
 *   pass 2 computes e_j = exp(z_j - max) into a per-thread row buffer, and their sum s;
 *   pass 3 writes dL/dz_j = e_j (coef / s) - spread w_j, and -hot at the target,
 *
 * with non-temporal (streaming) stores where the vector unit has them: the gradient
 * is not read again here, so its lines bypass the caches instead of evicting the next
 * rows, and no line is read for ownership first. A row longer than CE_ROW_MAX
 * recomputes e_j in pass 3 by chunks instead of keeping a row buffer. Rows are split
 * over threads in fixed contiguous ranges; each row's results depend on that row
 * alone, so the same input gives the same bits at any thread count. Sums run in
 * float over blocks of CE_SUM_BLOCK elements and are added in double. Compiled with
 * -DACTLOSS_NO_STREAM (or without AVX), the portable loops with ordinary stores run.
 */
#if !defined(ACTLOSS_NO_STREAM) && (defined(__AVX512F__) || (defined(__AVX__) && defined(__FMA__)))
#include <immintrin.h>
#define CE_STREAM 1
#else
#define CE_STREAM 0
#endif
#include <stdlib.h>

WIDE_BEGIN /* see WIDE_BEGIN above the activations */

#define CE_ROW_MAX (1 << 18) /* longest row kept in a row buffer (1 MiB) */
#define CE_CHUNK 2048        /* elements per recomputed chunk beyond CE_ROW_MAX */
#define CE_SUM_BLOCK 1024

typedef struct {
    const float *x;   /* logits (n, c), rows contiguous */
    const int64_t *t; /* target class per row (ignored rows: any class in range) */
    const float *wt;  /* class weight of the row's target, 0 for an ignored row */
    const float *v;   /* 1 for a kept row, 0 for an ignored one */
    const float *w;   /* class weights (c), or NULL */
    float *per;       /* loss per row (n) */
    float *grad;      /* gradient (n, c), or NULL: the loss only */
    int64_t n, c;
    float eps, w_sum, scale;
    int nt;
} ce_args;

/* dst[j] = fma(e[j], inv, -(spread w[j])) for j in [a, b) (w NULL: w[j] = 1), with
 * streaming stores on the 64-byte-aligned body where the vector unit has them. The
 * same rounding in every branch: the bits do not depend on the buffer's alignment. */
static void ce_store(float *dst, const float *e, const float *w, float inv, float spread,
                     int64_t a, int64_t b) {
    int64_t j = a;
#if CE_STREAM
    for (; j < b && ((uintptr_t)(dst + j) & 63); ++j)
        dst[j] = fmaf(e[j], inv, -(spread * (w ? w[j] : 1.0f)));
#if defined(__AVX512F__)
    const __m512 vi = _mm512_set1_ps(inv), vs = _mm512_set1_ps(spread);
    if (w) {
        for (; j + 16 <= b; j += 16)
            _mm512_stream_ps(dst + j, _mm512_fmsub_ps(_mm512_loadu_ps(e + j), vi,
                                                      _mm512_mul_ps(vs, _mm512_loadu_ps(w + j))));
    } else {
        for (; j + 16 <= b; j += 16)
            _mm512_stream_ps(dst + j, _mm512_fmsub_ps(_mm512_loadu_ps(e + j), vi, vs));
    }
#else
    const __m256 vi = _mm256_set1_ps(inv), vs = _mm256_set1_ps(spread);
    if (w) {
        for (; j + 8 <= b; j += 8)
            _mm256_stream_ps(dst + j, _mm256_fmsub_ps(_mm256_loadu_ps(e + j), vi,
                                                      _mm256_mul_ps(vs, _mm256_loadu_ps(w + j))));
    } else {
        for (; j + 8 <= b; j += 8)
            _mm256_stream_ps(dst + j, _mm256_fmsub_ps(_mm256_loadu_ps(e + j), vi, vs));
    }
#endif
#endif
    for (; j < b; ++j) dst[j] = fmaf(e[j], inv, -(spread * (w ? w[j] : 1.0f)));
}

/* next[b0, b1) towards the L2 cache (the next row, while this one is computed: its
 * first pass then reads the cache, not memory) */
INLINE void ce_prefetch(const float *next, int64_t b0, int64_t b1) {
    if (next)
        for (int64_t j = b0; j < b1; j += 16) __builtin_prefetch(next + j, 0, 2);
}

/* exp(z[j] - m) into e[0, k), returning their sum (float blocks added in double) */
static double ce_exp_sum(const float *restrict z, float m, float *restrict e, int64_t k,
                         const float *next) {
    double s = 0.0;
    for (int64_t b0 = 0; b0 < k; b0 += CE_SUM_BLOCK) {
        const int64_t b1 = k - b0 < CE_SUM_BLOCK ? k : b0 + CE_SUM_BLOCK;
        ce_prefetch(next, b0, b1);
        float fs = 0.0f;
        _Pragma("omp simd reduction(+:fs)")
        for (int64_t j = b0; j < b1; ++j) {
            const float v = exp_neg(z[j] - m);
            e[j] = v;
            fs += v;
        }
        s += (double)fs;
    }
    return s;
}

/* the same sum without keeping the exponentials */
static double ce_exp_sum_only(const float *restrict z, float m, int64_t k,
                              const float *next) {
    double s = 0.0;
    for (int64_t b0 = 0; b0 < k; b0 += CE_SUM_BLOCK) {
        const int64_t b1 = k - b0 < CE_SUM_BLOCK ? k : b0 + CE_SUM_BLOCK;
        ce_prefetch(next, b0, b1);
        float fs = 0.0f;
        _Pragma("omp simd reduction(+:fs)")
        for (int64_t j = b0; j < b1; ++j) fs += exp_neg(z[j] - m);
        s += (double)fs;
    }
    return s;
}

/* max of z[0, c) (NaN entries make the row's sum NaN later), and sum_j w_j z_j when
 * asked (w NULL: sum_j z_j) */
static float ce_row_max(const float *restrict z, int64_t c, const float *restrict w,
                        int want_sum, double *zsum) {
    float m = -INFINITY;
    _Pragma("omp simd reduction(max:m)")
    for (int64_t j = 0; j < c; ++j) m = z[j] > m ? z[j] : m;
    if (want_sum) {
        double s = 0.0;
        for (int64_t b0 = 0; b0 < c; b0 += CE_SUM_BLOCK) {
            const int64_t b1 = c - b0 < CE_SUM_BLOCK ? c : b0 + CE_SUM_BLOCK;
            float fs = 0.0f;
            if (w) {
                _Pragma("omp simd reduction(+:fs)")
                for (int64_t j = b0; j < b1; ++j) fs += w[j] * z[j];
            } else {
                _Pragma("omp simd reduction(+:fs)")
                for (int64_t j = b0; j < b1; ++j) fs += z[j];
            }
            s += (double)fs;
        }
        *zsum = s;
    }
    return m;
}

static void ce_rows_chunk(void *a_, int64_t r0, int64_t r1, int tid) {
    (void)tid;
    const ce_args *a = (const ce_args *)a_;
    const int64_t c = a->c;
    const float eps = a->eps;
    float *buf = NULL;
    if (a->grad && c <= CE_ROW_MAX && posix_memalign((void **)&buf, 64,
                                                      (size_t)c * sizeof(float)) != 0)
        buf = NULL;
    float chunk[CE_CHUNK] __attribute__((aligned(64)));
    for (int64_t i = r0; i < r1; ++i) {
        const float *z = a->x + i * c;
        float *g = a->grad ? a->grad + i * c : NULL;
        const int64_t t = a->t[i];
        const float v = a->v[i], wt = a->wt[i];
        if (v == 0.0f || t < 0 || t >= c) { /* ignored: no loss, no gradient */
            a->per[i] = v == 0.0f ? 0.0f : NAN; /* a target out of range: NaN */
            if (g) {
                const float f = v == 0.0f ? 0.0f : NAN;
                for (int64_t j = 0; j < c; ++j) g[j] = f;
            }
            continue;
        }
        double zsum = 0.0;
        const float m = ce_row_max(z, c, a->w, eps != 0.0f, &zsum);
        const float *next = i + 1 < r1 && c <= CE_ROW_MAX ? z + c : NULL;
        const double s = buf ? ce_exp_sum(z, m, buf, c, next) : ce_exp_sum_only(z, m, c, next);
        const double lse = (double)m + log(s);
        double loss = (1.0 - (double)eps) * wt * (lse - (double)z[t]);
        if (eps != 0.0f)
            loss += (double)eps / (double)c * (lse * (double)a->w_sum - zsum);
        a->per[i] = (float)loss;
        if (!g) continue;
        /* dL/dz_j = p_j (hot + spread W) - spread w_j - hot [j = t] */
        const double rs = a->scale;
        const double hot = wt * rs * (1.0 - (double)eps);
        const double spread = rs * (double)eps / (double)c;
        const float inv = (float)((hot + spread * (double)a->w_sum) / s);
        const float sp = (float)spread;
        const float wtt = a->w ? a->w[t] : 1.0f;
        if (buf) {
            ce_store(g, buf, a->w, inv, sp, 0, t);
            ce_store(g, buf, a->w, inv, sp, t + 1, c);
            g[t] = (float)((double)buf[t] * (double)inv - (double)(sp * wtt) - hot);
        } else {
            for (int64_t b0 = 0; b0 < c; b0 += CE_CHUNK) {
                const int64_t k = c - b0 < CE_CHUNK ? c - b0 : CE_CHUNK;
                _Pragma("omp simd")
                for (int64_t j = 0; j < k; ++j) chunk[j] = exp_neg(z[b0 + j] - m);
                const float *wc = a->w ? a->w + b0 : NULL;
                if (t >= b0 && t < b0 + k) {
                    ce_store(g + b0, chunk, wc, inv, sp, 0, t - b0);
                    ce_store(g + b0, chunk, wc, inv, sp, t - b0 + 1, k);
                    g[t] = (float)((double)chunk[t - b0] * (double)inv - (double)(sp * wtt)
                                   - hot);
                } else {
                    ce_store(g + b0, chunk, wc, inv, sp, 0, k);
                }
            }
        }
    }
#if CE_STREAM
    _mm_sfence(); /* the streamed lines are globally visible before the join */
#endif
    free(buf);
}

/* Rows [0, n) over nt threads in fixed contiguous ranges. */
static void ce_parallel_rows(ce_args *a) {
    int nt = a->nt < 1 ? 1 : (a->nt > MAX_THREADS ? MAX_THREADS : a->nt);
    const int64_t by_size = a->n * a->c / MIN_CHUNK;
    if (by_size < nt) nt = by_size < 1 ? 1 : (int)by_size;
    if (a->n < nt) nt = (int)a->n;
    if (nt <= 1) {
        ce_rows_chunk(a, 0, a->n, 0);
        return;
    }
    job_t jobs[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    int started[MAX_THREADS];
    for (int k = 0; k < nt; ++k) {
        jobs[k].fn = ce_rows_chunk;
        jobs[k].args = a;
        jobs[k].begin = a->n * k / nt;
        jobs[k].end = a->n * (k + 1) / nt;
        jobs[k].tid = k;
    }
    for (int k = 1; k < nt; ++k)
        started[k] = pthread_create(&threads[k], NULL, run_job, &jobs[k]) == 0;
    run_job(&jobs[0]);
    for (int k = 1; k < nt; ++k) {
        if (started[k])
            pthread_join(threads[k], NULL);
        else
            run_job(&jobs[k]);
    }
}

/* Cross-entropy of the rows of x (n, c): per[i] = (1 - eps) wt_i (lse_i - z_{i,t_i})
 * + eps / c v_i (W lse_i - sum_j w_j z_ij) with W = w_sum, and, when grad is not NULL,
 * grad = scale dL/dz. Returns 0. */
int actloss_ce_rows(const float *x, const int64_t *t, const float *wt, const float *v,
                    const float *w, float *per, float *grad, int64_t n, int64_t c, float eps,
                    float w_sum, float scale, int nthreads) {
    ce_args a = {x, t, wt, v, w, per, grad, n, c, eps, w_sum, scale, nthreads};
    ce_parallel_rows(&a);
    return 0;
}

WIDE_END

/* ===================================================== binary focal, gamma 0, 1 or 2
 * The integer exponents of the focal loss (2 is the usual one) by blocks of STAGE
 * elements: one loop computes e = exp(-|x|) and r = 1/(1 + e), one log1p(e) by a
 * polynomial (e is in [0, 1]: no exponent to split off, a third of log_f's work), one
 * the loss and the gradient, q^gamma by multiplication. The gradient is stored
 * directly: staging it in L1 and streaming it out was slower here (this loop is bound
 * by arithmetic, not by memory). Other exponents run loss_focal (q^(gamma - 1) by exp
 * and log).
 */

WIDE_BEGIN /* see WIDE_BEGIN above the activations */

/* log1p(u) for u in [0, 1]: u P(u), P of degree 9 fitted to log1p(u)/u on Chebyshev
 * nodes; 2 float32 ulps at most (checked against float64 on 4e5 points), Estrin's
 * scheme for a short dependency chain. */
INLINE float log1p_unit_poly(float u) {
    float u2 = u * u, u4 = u2 * u2, u8 = u4 * u4;
    float p01 = 1.0000000000e+00f - 4.9999904633e-01f * u;
    float p23 = 3.3330005407e-01f - 2.4954558909e-01f * u;
    float p45 = 1.9678117335e-01f - 1.5311862528e-01f * u;
    float p67 = 1.0614264756e-01f - 5.7064201683e-02f * u;
    float p89 = 1.9907161593e-02f - 3.2563784625e-03f * u;
    float p = ((p01 + p23 * u2) + (p45 + p67 * u2) * u4) + p89 * u8;
    return u * p;
}

/* STAGED_LOOP without its pow stage */
#define FOCAL_LOOP(EXPR, WV, STORE)                                                 \
    _Pragma("omp simd reduction(+:fa)")                                             \
    for (int64_t j = 0; j < m; ++j) {                                               \
        const int64_t i = s0 + j;                                                   \
        const float x = X[i], t = T[i], e = E[j], r = R[j], lg = LG[j];             \
        const float wv = WV;                                                        \
        float g;                                                                    \
        float l = EXPR;                                                             \
        STORE;                                                                      \
        Gr[i] = g * (wv * scale);                                                   \
    }

#define FOCAL_INT(NAME, GAMMA)                                                      \
    static void NAME(void *a_, int64_t b, int64_t e_end, int tid) {                 \
        LOSS_PROLOGUE                                                               \
        float E[STAGE] __attribute__((aligned(64)));                                \
        float R[STAGE] __attribute__((aligned(64)));                                \
        float LG[STAGE] __attribute__((aligned(64)));                               \
        double acc = 0.0;                                                           \
        for (int64_t s0 = b; s0 < e_end; s0 += STAGE) {                             \
            const int64_t m = e_end - s0 < STAGE ? e_end - s0 : STAGE;              \
            _Pragma("omp simd")                                                     \
            for (int64_t j = 0; j < m; ++j) {                                       \
                float ev = exp_neg(-fabsf(X[s0 + j]));                              \
                E[j] = ev;                                                          \
                R[j] = 1.0f / (1.0f + ev);                                          \
            }                                                                       \
            _Pragma("omp simd")                                                     \
            for (int64_t j = 0; j < m; ++j) LG[j] = log1p_unit_poly(E[j]);          \
            float fa = 0.0f;                                                        \
            LOSS_VARIANTS(FOCAL_LOOP, l_focal(x, t, e, r, lg, p1, has1, GAMMA, &g), fa) \
            acc += (double)fa;                                                      \
        }                                                                           \
        a->partial[tid] = acc;                                                      \
    }

FOCAL_INT(focal_int2, 2.0f)
FOCAL_INT(focal_int1, 1.0f)
FOCAL_INT(focal_int0, 0.0f)

WIDE_END
