/* pool.c - the library's own worker threads, and the one place that sets how many run.
 *
 * A parallel call splits its work into pieces; the caller runs piece 0 and each worker one of
 * the rest, and the call returns when all are done. BLAS is kept single-threaded and called from
 * inside the pieces, and OpenBLAS's own workers are ended, so one pool owns the cores and no
 * second one spins beside it. Between calls a worker spins for a short while (a training step
 * calls again within microseconds), then sleeps on a condition variable. A call made while
 * another thread's call holds the pool runs serially on its own thread, so concurrent callers are
 * safe. Workers are started for the count first asked for (or the default) and never stopped: a
 * later, lower count leaves them idle, and every call still waits for each to check in. */
#define _GNU_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
#include "kernels/kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* OpenBLAS's own (pthreads builds; its fork handler): ends its worker threads. Weak: a BLAS
 * without it links all the same. */
int blas_thread_shutdown_(void) __attribute__((weak));

enum { MAX_THREADS = HONEK_MAX_THREADS };
#define SPIN_SECONDS 2e-4 /* how long an idle worker spins before it sleeps */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_once_t once;
    _Alignas(64) atomic_uint generation; /* bumped by every parallel call (workers spin on it) */
    _Alignas(64) atomic_int pending;     /* workers that have not finished this call's piece (the caller spins on it) */
    _Alignas(64) atomic_flag busy; /* a call is using the workers */
    atomic_int threads;     /* pieces a call is split into: the caller and threads - 1 workers */
    int configured;         /* a count was set (hone_set_threads, or the default on first use) */
    int started;            /* workers running (they never stop) */
    int sleeping;           /* workers waiting on `wake` (under lock) */
    honeK_task *task;
    void *arg;
    int parts;
    unsigned first_generation[MAX_THREADS]; /* worker i answers calls after this one */
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER, .once = PTHREAD_ONCE_INIT,
          .busy = ATOMIC_FLAG_INIT, .threads = 1};

static void *worker(void *index_as_pointer) {
    const int index = (int)(intptr_t)index_as_pointer;
    unsigned seen = pool.first_generation[index]; /* not a fresh read: a call may already be under way */
    for (;;) {
        unsigned g;
        double since = 0;
        for (int spins = 0; (g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen; spins++) {
            cpu_relax();
            if ((spins & 255) != 255) continue;
            double t = honeC_now();
            if (since == 0) since = t;
            if (t - since < SPIN_SECONDS) continue;
            pthread_mutex_lock(&pool.lock);
            pool.sleeping++;
            while ((g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            pool.sleeping--;
            pthread_mutex_unlock(&pool.lock);
            break;
        }
        seen = g;
        if (index < pool.parts) pool.task(pool.arg, index, pool.parts);
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
    }
    return NULL;
}

/* The default: OPENBLAS_NUM_THREADS when the environment sets it (as for OpenBLAS itself, so
 * the usual knob still works), else one thread per online CPU. */
int hone_default_threads(void) {
    const char *env = getenv("OPENBLAS_NUM_THREADS");
    long n = env && *env ? strtol(env, NULL, 10) : 0;
    if (n < 1) n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* Under the busy flag: start workers up to threads - 1 (as many as the system allows). */
static void start_workers(int threads) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    while (pool.started < threads - 1) {
        pthread_t t;
        pool.first_generation[pool.started + 1] = atomic_load(&pool.generation);
        if (pthread_create(&t, &attr, worker, (void *)(intptr_t)(pool.started + 1))) break;
        pool.started++;
    }
    pthread_attr_destroy(&attr);
    pool.threads = pool.started + 1 < threads ? pool.started + 1 : threads;
}

static void set_threads_locked(int threads) {
    if (threads < 1) threads = hone_default_threads();
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    /* BLAS runs single-threaded inside the pieces, and OpenBLAS's own idle workers are ended:
     * one started with the library spins in sched_yield for about 0.1 s, long enough for the
     * scheduler to give it a CPU of its own and put the pool's two threads on the other, each at
     * half speed (BENCHMARKS.md, "OpenBLAS's idle thread"). They come back only for a threaded
     * OpenBLAS call, which hone never makes (setting the count again would restart them). */
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
    if (blas_thread_shutdown_) blas_thread_shutdown_();
    start_workers(threads);
    __atomic_store_n(&pool.configured, 1, __ATOMIC_RELEASE);
}

/* A forked child has the caller's thread only: the workers stayed behind in the parent. It
 * starts over with none (serial until hone_set_threads asks for more, which glibc allows though
 * POSIX promises only async-signal-safe calls after a multi-threaded fork), and with a fresh lock
 * and condition variable, which a worker may have held at the fork. */
static void after_fork_in_child(void) {
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.started = 0;
    pool.sleeping = 0;
    pool.threads = 1;
    atomic_flag_clear(&pool.busy);
}

static void first_use(void) { pthread_atfork(NULL, NULL, after_fork_in_child); }

/* The count in effect: the default, started now, unless hone_set_threads came first (so a
 * program that asks for 2 threads on a 64-CPU machine never starts 63 workers, which every call
 * would then wait for). */
static int threads_in_effect(void) {
    pthread_once(&pool.once, first_use);
    if (!__atomic_load_n(&pool.configured, __ATOMIC_ACQUIRE)) {
        while (atomic_flag_test_and_set(&pool.busy)) cpu_relax();
        if (!pool.configured) set_threads_locked(0);
        atomic_flag_clear(&pool.busy);
    }
    return atomic_load_explicit(&pool.threads, memory_order_relaxed);
}

void honeK_band(int n, int part, int parts, int *lo, int *hi) {
    const int step = (n / parts + 15) / 16 * 16;
    *lo = part * step < n ? part * step : n;
    *hi = part == parts - 1 || (part + 1) * step > n ? n : (part + 1) * step;
}

int hone_set_threads(int threads) {
    pthread_once(&pool.once, first_use);
    while (atomic_flag_test_and_set(&pool.busy)) cpu_relax();
    set_threads_locked(threads);
    int got = pool.threads;
    atomic_flag_clear(&pool.busy);
    return got;
}

int honeK_threads(void) { return threads_in_effect(); }

int honeK_parts(int most) {
    const int threads = honeK_threads();
    return most < 1 ? 1 : most < threads ? most : threads;
}

int honeK_elementwise_parts(size_t values, int side, int band) {
    return values < HONEK_SPLIT_MIN_VALUES ? 1 : honeK_parts(side / band);
}

int honeK_row_parts(int B, size_t width) { return honeK_elementwise_parts((size_t)B * width, B, 16); }

void honeK_parallel(honeK_task *task, void *arg, int parts) {
    const int threads = threads_in_effect();
    if (parts > threads) parts = threads;
    if (parts <= 1 || atomic_flag_test_and_set(&pool.busy)) { /* serial, or the pool is someone else's now */
        task(arg, 0, 1);
        return;
    }
    pool.task = task;
    pool.arg = arg;
    pool.parts = parts;
    atomic_store_explicit(&pool.pending, pool.started, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    pthread_mutex_lock(&pool.lock);
    if (pool.sleeping) pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    task(arg, 0, parts);
    while (atomic_load_explicit(&pool.pending, memory_order_acquire) > 0) cpu_relax();
    atomic_flag_clear(&pool.busy);
}
