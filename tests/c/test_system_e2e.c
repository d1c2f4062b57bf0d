/* The C API end to end against the real engines (see scripts/setup.sh). */
#define _GNU_SOURCE
#include "dktest.h"

#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"
#include "client_int.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

struct trace_seen {
	int calls;
	int saw_secret;
	int saw_redacted;
	char last_url[512];
	int last_status;
};

static void on_trace(const dk_trace *t, void *ud)
{
	struct trace_seen *s = ud;
	s->calls++;
	snprintf(s->last_url, sizeof(s->last_url), "%s", t->url);
	s->last_status = t->status;
	if (t->request_body && memmem(t->request_body, t->request_body_len, "clibdocker-secret", 17))
		s->saw_secret = 1;
	if (t->request_body && memmem(t->request_body, t->request_body_len, "<redacted>", 10))
		s->saw_redacted = 1;
	CHECK(t->end_us >= t->start_us);
	CHECK(t->method != NULL);
}

/* A raw call through the internal mechanism, to cause an event. */
static int raw_post(dk_client *c, const char *op, const char *method, const char *path,
	const char *arg, const char *body)
{
	dk_call k;
	int rc = arg ? dk__call_begin(&k, c, method, op, 1, path, arg)
	             : dk__call_begin(&k, c, method, op, 1, path);
	if (rc)
		return rc;
	if (body)
		dk__call_json_body(&k, body, strlen(body), 0);
	return dk__call_void(&k);
}

static void *cancel_later(void *arg)
{
	usleep(300 * 1000);
	dk_stream_cancel(arg);
	return NULL;
}

int main(void)
{
	dk_client *c = NULL, *c2 = NULL;
	dk_value *v = NULL;
	dk_stream *st = NULL;
	const char *ver = NULL, *s, *msg;
	size_t n;
	int rc, found = 0;
	char since[32], until[32], name[64], body[256];
	struct trace_seen ts;
	pthread_t th;
	time_t t0;

	memset(&ts, 0, sizeof(ts));
	CHECK_RC(dk_client_new_from_env(&c));
	if (!c)
		DKT_DONE();
	CHECK_RC(dk_client_set_trace(c, on_trace, &ts, 0));

	/* ping and negotiation */
	/* the first ping is one unversioned request that also negotiates */
	CHECK_RC(dk_system_ping(c));
	CHECK(ts.calls == 1);
	CHECK(!strcmp(ts.last_url, "http://localhost/_ping"));
	CHECK_RC(dk_client_api_version(&ver, c));
	CHECK(ts.calls == 1);
	CHECK(ver && !strcmp(ver, "1.41"));
	CHECK_RC(dk_system_ping(c));
	CHECK(ts.calls == 2);
	CHECK(strstr(ts.last_url, "/v1.41/_ping") != NULL);
	CHECK(ts.last_status == 200);
	/* idle connections closed: the client stays usable */
	dk_client_close_idle(c);
	dk_client_close_idle(NULL);
	CHECK_RC(dk_system_ping(c));
	CHECK(ts.calls == 3);

	CHECK_RC(dk_system_ping_head(&v, c));
	CHECK(v && dk_value_get_string(v, "/Api-Version") && !strcmp(dk_value_get_string(v, "/Api-Version"), "1.41"));
	CHECK(v && dk_value_get_string(v, "/OSType") && !strcmp(dk_value_get_string(v, "/OSType"), "linux"));
	dk_value_free(v);

	/* version: ApiVersion equals what negotiation chose */
	CHECK_RC(dk_system_version(&v, c, 1));
	s = dk_value_get_string(v, "/ApiVersion");
	CHECK(s && !strcmp(s, ver));
	CHECK(dk_value_type(v, "/Components") == DK_JSON_ARRAY);
	CHECK(dk_value_count(v, "/Components") >= 1);
	dk_value_free(v);

	/* info */
	CHECK_RC(dk_system_info(&v, c));
	CHECK(dk_value_get_string(v, "/ID") != NULL);
	{
		int64_t ncpu = 0;
		CHECK_RC(dk_value_get_int(v, "/NCPU", &ncpu));
		CHECK(ncpu == sysconf(_SC_NPROCESSORS_ONLN));
	}
	dk_value_free(v);

	/* df; the type filter is gated to 1.42 */
	CHECK_RC(dk_system_df(&v, c, NULL));
	CHECK(dk_value_type(v, "/Images") == DK_JSON_ARRAY);
	dk_value_free(v);
	v = NULL;
	rc = dk_system_df(&v, c, "container");
	CHECK(rc == DK_EVERSION);
	CHECK(v == NULL);

	/* events: a volume made in the test arrives with its name */
	snprintf(name, sizeof(name), "clibdocker-ctest-%ld", (long)getpid());
	t0 = time(NULL);
	snprintf(since, sizeof(since), "%ld", (long)t0 - 1);
	snprintf(body, sizeof(body), "{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\"}}", name);
	CHECK_RC(raw_post(c, "VolumeCreate", "POST", "/volumes/create", NULL, body));
	CHECK_RC(raw_post(c, "VolumeDelete", "DELETE", "/volumes/{}", name, NULL));
	snprintf(until, sizeof(until), "%ld", (long)time(NULL) + 1);
	CHECK_RC(dk_system_events(&st, c, since, until, "{\"type\":[\"volume\"]}"));
	while ((rc = dk_stream_next(st, &msg, &n)) == 1) {
		if (memmem(msg, n, name, strlen(name)) && memmem(msg, n, "\"create\"", 8))
			found |= 1;
		if (memmem(msg, n, name, strlen(name)) && memmem(msg, n, "\"destroy\"", 9))
			found |= 2;
	}
	CHECK(rc == 0);
	CHECK(found == 3);
	dk_stream_free(st);

	/* events with a bad argument: the daemon's error, before any message */
	st = NULL;
	rc = dk_system_events(&st, c, "not-a-time", NULL, NULL);
	CHECK(rc == DK_EAPI);
	CHECK(dk_error_last()->http_status >= 400);
	CHECK(strstr(dk_error_last()->message, "not-a-time") != NULL);
	CHECK(st == NULL);

	/* a following stream is stopped from another thread */
	CHECK_RC(dk_system_events(&st, c, NULL, NULL, NULL));
	pthread_create(&th, NULL, cancel_later, st);
	rc = dk_stream_next(st, &msg, &n);
	while (rc == 1)
		rc = dk_stream_next(st, &msg, &n);
	CHECK(rc == DK_ECANCELED);
	pthread_join(th, NULL);
	dk_stream_free(st);

	/* non-blocking: a following stream answers DK_STREAM_AGAIN at once while
	 * nothing happens, names the socket to wait on, and delivers an event
	 * caused meanwhile after poll() says the socket is readable */
	{
		struct pollfd pfd;
		int fd = -2, got = 0, again = 0;
		long tmo = -2;
		char vname[80], filt[160];
		int64_t t_start;

		snprintf(vname, sizeof(vname), "clibdocker-ctest-nb-%ld", (long)getpid());
		/* only this test's volume: other work on the engine stays out */
		snprintf(filt, sizeof(filt), "{\"type\":[\"volume\"],\"volume\":[\"%s\"]}", vname);
		CHECK_RC(dk_system_events(&st, c, NULL, NULL, filt));
		CHECK_RC(dk_stream_set_nonblocking(st, 1));
		t_start = dk__now_us();
		rc = dk_stream_next(st, &msg, &n);
		CHECK(rc == DK_STREAM_AGAIN);
		CHECK(dk__now_us() - t_start < 500 * 1000);   /* did not wait */
		CHECK_RC(dk_stream_wait_info(st, &fd, &tmo));
		CHECK(fd >= 0);
		/* idle: the socket stays unreadable */
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		CHECK(poll(&pfd, 1, 300) == 0);
		CHECK(dk_stream_next(st, &msg, &n) == DK_STREAM_AGAIN);
		snprintf(body, sizeof(body), "{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\"}}", vname);
		CHECK_RC(raw_post(c, "VolumeCreate", "POST", "/volumes/create", NULL, body));
		/* the event makes it readable; then pulls deliver it */
		pfd.revents = 0;
		CHECK(poll(&pfd, 1, 10000) == 1);
		while (!got && again < 1000) {
			rc = dk_stream_next(st, &msg, &n);
			if (rc == 1) {
				got = memmem(msg, n, vname, strlen(vname)) != NULL;
				continue;
			}
			CHECK(rc == DK_STREAM_AGAIN);
			if (rc != DK_STREAM_AGAIN)
				break;
			again++;
			CHECK_RC(dk_stream_wait_info(st, &fd, &tmo));
			pfd.fd = fd;
			pfd.revents = 0;
			CHECK(poll(&pfd, 1, tmo < 0 || tmo > 1000 ? 1000 : (int)tmo) >= 0);
		}
		CHECK(got);
		/* back to blocking mode: a cancel ends the next pull */
		CHECK_RC(dk_stream_set_nonblocking(st, 0));
		dk_stream_cancel(st);
		CHECK(dk_stream_next(st, &msg, &n) == DK_ECANCELED);
		dk_stream_free(st);
		CHECK_RC(raw_post(c, "VolumeDelete", "DELETE", "/volumes/{}", vname, NULL));
	}

	/* auth against the local registry: good and bad credentials, and the
	 * password never reaches the trace */
	{
		char good[256], bad[256];
		const char *reg = env_or("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000");
		snprintf(good, sizeof(good),
			"{\"username\":\"clibdocker\",\"password\":\"clibdocker-secret\",\"serveraddress\":\"%s\"}", reg);
		snprintf(bad, sizeof(bad),
			"{\"username\":\"clibdocker\",\"password\":\"wrong-clibdocker-secret\",\"serveraddress\":\"%s\"}", reg);
		v = NULL;
		CHECK_RC(dk_system_auth(&v, c, good));
		s = dk_value_get_string(v, "/Status");
		CHECK(s && strstr(s, "Login Succeeded"));
		dk_value_free(v);
		v = NULL;
		rc = dk_system_auth(&v, c, bad);
		CHECK(rc == DK_EAUTH || rc == DK_EAPI);
		CHECK(v == NULL);
		CHECK(strstr(dk_error_last()->message, "secret") == NULL);
		CHECK(!ts.saw_secret);
		CHECK(ts.saw_redacted);
	}
	dk_client_free(c);

	/* the newer engine negotiates 1.45 and accepts the gated parameter */
	CHECK_RC(dk_client_new(&c2, env_or("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")));
	CHECK_RC(dk_client_api_version(&ver, c2));
	CHECK(ver && !strcmp(ver, "1.45"));
	v = NULL;
	CHECK_RC(dk_system_df(&v, c2, "container,volume"));
	CHECK(dk_value_type(v, "/Volumes") == DK_JSON_ARRAY);
	CHECK(dk_value_type(v, "/Images") == DK_JSON_MISSING || dk_value_type(v, "/Images") == DK_JSON_NULL);
	dk_value_free(v);
	/* an explicit version is honoured */
	CHECK_RC(dk_client_set_api_version(c2, "1.43"));
	CHECK_RC(dk_client_api_version(&ver, c2));
	CHECK(!strcmp(ver, "1.43"));
	CHECK_RC(dk_system_version(&v, c2, 1));
	dk_value_free(v);
	dk_client_free(c2);
	DKT_DONE();
}
