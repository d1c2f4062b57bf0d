/* The call mechanism on an event loop (dk_loop, libcurl's multi interface)
 * against the real engine: results, errors and traces as the blocking path,
 * many calls at once, cancellation without leaks. The event loop here is a
 * plain poll() driver, as any loop would do it. */
#define _GNU_SOURCE
#include "dktest.h"

#include <dirent.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static int traces;
static void on_trace(const dk_trace *t, void *ud)
{
	(void)t;
	(void)ud;
	traces++;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* The watched sockets of our poll driver. */
#define MAXW 1024
static struct pollfd pfd[MAXW];
static int npfd;
static int64_t deadline_ms = -1;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void apply(dk_loop *L)
{
	int fds[64], ev[64], n, i, j;

	while ((n = dk_loop_watches(L, fds, ev, 64)) > 0) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < npfd && pfd[j].fd != fds[i]; j++)
				;
			if (!ev[i]) {
				if (j < npfd)
					pfd[j] = pfd[--npfd];
				continue;
			}
			if (j == npfd && npfd < MAXW)
				pfd[npfd++].fd = fds[i];
			pfd[j].events = (short)((ev[i] & DK_LOOP_IN ? POLLIN : 0) |
				(ev[i] & DK_LOOP_OUT ? POLLOUT : 0));
		}
	}
	if (dk_loop_pending(L) & DK_LOOP_TIMER) {
		long ms = dk_loop_timeout(L);
		deadline_ms = ms < 0 ? -1 : now_ms() + ms;
	}
}

/* Run the loop until a call is done; its tokens go to done[] (count returned). */
static int wait_done(dk_loop *L, uint64_t *done, int max)
{
	int got, i, r, flags;
	int64_t t0 = now_ms();

	for (;;) {
		apply(L);
		got = dk_loop_done(L, done, max);
		if (got)
			return got;
		if (now_ms() - t0 > 30000)
			return 0;
		int wait = deadline_ms < 0 ? 1000 : (int)(deadline_ms - now_ms());
		if (wait < 0)
			wait = 0;
		r = poll(pfd, (nfds_t)npfd, wait);
		if (r == 0 || (deadline_ms >= 0 && now_ms() >= deadline_ms)) {
			deadline_ms = -1;
			flags = dk_loop_step(L, -1, 0);
			CHECK(flags >= 0);
		}
		for (i = 0; r > 0 && i < npfd; i++) {
			if (!pfd[i].revents)
				continue;
			flags = dk_loop_step(L, pfd[i].fd,
				(pfd[i].revents & (POLLIN | POLLHUP | POLLERR) ? DK_LOOP_IN : 0) |
				(pfd[i].revents & POLLOUT ? DK_LOOP_OUT : 0));
			CHECK(flags >= 0);
			pfd[i].revents = 0;
			apply(L);
		}
	}
}

/* One inspect_image run to completion on the loop. */
static int inspect_async(dk_loop *L, dk_client *c, const char *name, dk_value **v, int *rounds)
{
	dk_async *a = NULL;
	uint64_t done[8];
	int rc;

	CHECK_RC(dk_async_new(&a, L, 7));
	*rounds = 0;
	for (;;) {
		dk_async_enter(a);
		rc = dk_async_leave(a, dk_image_inspect(v, c, name));
		if (rc != DK_ASYNC_PENDING)
			break;
		(*rounds)++;
		if (!wait_done(L, done, 8)) {
			rc = -999;
			break;
		}
		CHECK(done[0] == 7);
	}
	dk_async_free(a);
	return rc;
}

int main(void)
{
	dk_client *c = NULL, *cb = NULL;
	dk_loop *L = NULL;
	dk_value *v = NULL, *vb = NULL;
	dk_stream *st = NULL;
	const char *image = env_or("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest");
	const char *b1, *b2;
	size_t n1 = 0, n2 = 0;
	char msg[1024];
	int rc, rounds, i, fds0, blocking_traces;

	CHECK_RC(dk_client_new_from_env(&c));
	CHECK_RC(dk_client_new_from_env(&cb));
	if (!c || !cb)
		DKT_DONE();
	CHECK_RC(dk_loop_new(&L, c));

	/* first call: negotiation, then the request, two transfers, traced as
	 * the blocking path traces them */
	CHECK_RC(dk_client_set_trace(cb, on_trace, NULL, 0));
	traces = 0;
	CHECK_RC(dk_image_inspect(&vb, cb, image));
	blocking_traces = traces;
	CHECK(blocking_traces == 2); /* the negotiating /_ping and the inspect */
	CHECK_RC(dk_client_set_trace(c, on_trace, NULL, 0));
	traces = 0;
	rc = inspect_async(L, c, image, &v, &rounds);
	CHECK_RC(rc);
	CHECK(rounds == 2);
	CHECK(traces == blocking_traces);
	b1 = v ? dk_value_body(v, &n1) : NULL;
	b2 = vb ? dk_value_body(vb, &n2) : NULL;
	CHECK(b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1));
	dk_value_free(v);
	v = NULL;
	dk_value_free(vb);
	vb = NULL;
	CHECK(dk_loop_running(L) == 0);

	/* negotiated now: one transfer */
	rc = inspect_async(L, c, image, &v, &rounds);
	CHECK_RC(rc);
	CHECK(rounds == 1);
	dk_value_free(v);
	v = NULL;

	/* errors: the same code and message as the blocking call */
	rc = dk_image_inspect(&vb, cb, "clibdocker-test/no-such-image:nope");
	CHECK(rc == DK_ENOTFOUND);
	snprintf(msg, sizeof(msg), "%s", dk_error_last()->message);
	rc = inspect_async(L, c, "clibdocker-test/no-such-image:nope", &v, &rounds);
	CHECK(rc == DK_ENOTFOUND);
	CHECK(rounds == 1);
	CHECK(!strcmp(msg, dk_error_last()->message));
	CHECK(dk_error_last()->http_status == 404);
	CHECK(v == NULL);
	/* bad input: refused before anything is sent, no transfer */
	rc = inspect_async(L, c, "", &v, &rounds);
	CHECK(rc == DK_EINVAL && rounds == 0);

	/* a stream opens on the loop (pending until its headers are in) and is
	 * read with non-blocking pulls, woken by its token */
	{
		dk_async *a = NULL;
		uint64_t done[8];
		char since[32], until[32];
		const char *d;
		size_t n;
		int msgs = 0, again = 0, open_rounds = 0;

		snprintf(since, sizeof(since), "%ld", (long)time(NULL) - 3600);
		snprintf(until, sizeof(until), "%ld", (long)time(NULL));
		CHECK_RC(dk_async_new(&a, L, 9));
		for (;;) {
			dk_async_enter(a);
			rc = dk_async_leave(a, dk_system_events(&st, c, since, until, NULL));
			if (rc != DK_ASYNC_PENDING)
				break;
			open_rounds++;
			CHECK(wait_done(L, done, 8) >= 1);
		}
		CHECK_RC(rc);
		CHECK(open_rounds == 1);
		dk_async_free(a);
		CHECK(st != NULL && dk_stream_loop(st) == L);
		CHECK(dk_stream_set_loop_token(st, 77) == 0);
		CHECK_RC(dk_stream_set_nonblocking(st, 1));
		for (;;) {
			rc = dk_stream_next(st, &d, &n);
			if (rc == 1) {
				msgs++;
				continue;
			}
			if (rc != DK_STREAM_AGAIN)
				break;
			again++;
			if (!wait_done(L, done, 8))
				break;
		}
		CHECK(rc == 0); /* the end: `until` has passed */
		CHECK(msgs > 0); /* this test's own calls are events */
		dk_stream_free(st);
		st = NULL;
		/* a blocking pull on a loop's stream is refused */
		CHECK(dk_system_events(&st, c, since, until, NULL) == 0); /* blocking open: its own */
		CHECK(st && dk_stream_loop(st) == NULL);
		CHECK(dk_stream_set_loop_token(st, 1) == DK_EINVAL);
		dk_stream_free(st);
		st = NULL;

		/* an error status: the blocking open's error and message */
		dk_logs_options lo;
		dk_logs_options_init(&lo);
		CHECK(dk_container_logs(&st, cb, "clibdocker-no-such-container", &lo) == DK_ENOTFOUND);
		snprintf(msg, sizeof(msg), "%s", dk_error_last()->message);
		CHECK_RC(dk_async_new(&a, L, 10));
		for (;;) {
			dk_async_enter(a);
			rc = dk_async_leave(a, dk_container_logs(&st, c, "clibdocker-no-such-container", &lo));
			if (rc != DK_ASYNC_PENDING)
				break;
			CHECK(wait_done(L, done, 8) >= 1);
		}
		CHECK(rc == DK_ENOTFOUND);
		CHECK(!strcmp(msg, dk_error_last()->message));
		CHECK(st == NULL);
		dk_async_free(a);

		/* a stream still opening when the call is freed: canceled, freed */
		CHECK_RC(dk_async_new(&a, L, 11));
		dk_async_enter(a);
		CHECK(dk_async_leave(a, dk_system_events(&st, c, NULL, NULL, NULL)) == DK_ASYNC_PENDING);
		dk_async_free(a);
		CHECK(st == NULL);
	}
	CHECK_RC(dk_client_set_trace(c, NULL, NULL, 0));

	/* 200 calls at once */
	{
		enum { N = 200 };
		dk_async *as[N];
		dk_value *vs[N];
		int left = N, ok = 0, fin[N] = {0};
		uint64_t done[N];

		for (i = 0; i < N; i++) {
			vs[i] = NULL;
			CHECK_RC(dk_async_new(&as[i], L, (uint64_t)i));
			/* tokens 0..N-1: 9, 10, 11 named the streams above, whose
			 * late news may still be queued (a spurious wake-up) */
			dk_async_enter(as[i]);
			rc = dk_async_leave(as[i], dk_image_inspect(&vs[i], c, image));
			CHECK(rc == DK_ASYNC_PENDING);
		}
		CHECK(dk_loop_running(L) <= N); /* some may be over already */
		while (left > 0) {
			int got = wait_done(L, done, N), j;
			if (!got)
				break;
			for (j = 0; j < got; j++) {
				int k = (int)done[j];
				if (k < 0 || k >= N || fin[k])
					continue; /* a stale token of an earlier call */
				dk_async_enter(as[k]);
				rc = dk_async_leave(as[k], dk_image_inspect(&vs[k], c, image));
				if (rc == DK_ASYNC_PENDING)
					continue; /* woken early: runs again when named again */
				ok += rc == 0 && vs[k] != NULL;
				fin[k] = 1;
				left--;
			}
		}
		CHECK(ok == N);
		for (i = 0; i < N; i++) {
			dk_value_free(vs[i]);
			dk_async_free(as[i]);
		}
	}

	/* cancellation: 1,000 calls started, stepped, canceled mid-transfer;
	 * no fd is left behind and the loop stays usable */
	rc = inspect_async(L, c, image, &v, &rounds); /* warm connection cache */
	dk_value_free(v);
	v = NULL;
	fds0 = count_fds();
	for (i = 0; i < 1000; i++) {
		dk_async *a = NULL;
		int s;
		CHECK_RC(dk_async_new(&a, L, 1000000 + (uint64_t)i));
		dk_async_enter(a);
		rc = dk_async_leave(a, dk_image_inspect(&v, c, image));
		CHECK(rc == DK_ASYNC_PENDING);
		for (s = 0; s < 3; s++) {
			apply(L);
			dk_loop_step(L, -1, 0);
		}
		apply(L);
		dk_async_cancel(a);
		dk_async_enter(a);
		rc = dk_async_leave(a, dk_image_inspect(&v, c, image));
		CHECK(rc == DK_ECANCELED);
		dk_async_free(a);
		CHECK(dk_loop_running(L) == 0);
	}
	apply(L);
	{
		uint64_t junk[64];
		while (dk_loop_done(L, junk, 64) > 0)
			;
	}
	rc = inspect_async(L, c, image, &v, &rounds);
	CHECK_RC(rc);
	dk_value_free(v);
	v = NULL;
	CHECK(count_fds() <= fds0 + 1);
	if (count_fds() > fds0 + 1)
		fprintf(stderr, "fds: %d before, %d after\n", fds0, count_fds());

	/* the loop freed with a call in flight: the call is canceled */
	{
		dk_async *a = NULL;
		CHECK_RC(dk_async_new(&a, L, 5));
		dk_async_enter(a);
		CHECK(dk_async_leave(a, dk_image_inspect(&v, c, image)) == DK_ASYNC_PENDING);
		dk_loop_free(L);
		L = NULL;
		dk_async_enter(a);
		CHECK(dk_async_leave(a, dk_image_inspect(&v, c, image)) == DK_ECANCELED);
		dk_async_free(a);
	}
	dk_client_free(c);
	dk_client_free(cb);
	DKT_DONE();
}
