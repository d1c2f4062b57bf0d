/* The container API (non-streaming) from C, against the real engines. */
#define _GNU_SOURCE
#include "dktest.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int calls;
static void count_calls(const dk_trace *t, void *ud)
{
	(void)t;
	(void)ud;
	calls++;
}

int main(void)
{
	dk_client *c = NULL, *c2 = NULL;
	dk_value *v = NULL;
	const char *image = env_or("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest");
	const char *ver;
	char name[64], body[1024], id[80], filters[160];
	int64_t n, t0;
	int rc, b;

	snprintf(name, sizeof(name), "clibdocker-test-c-%ld-%ld", (long)getpid(), (long)time(NULL));
	CHECK_RC(dk_client_new_from_env(&c));
	if (!c)
		DKT_DONE();
	CHECK_RC(dk_client_api_version(&ver, c));

	/* refused before any request */
	CHECK_RC(dk_client_set_trace(c, count_calls, NULL, 0));
	calls = 0;
	CHECK(dk_container_create(&v, c, "bad name", NULL, "{}") == DK_EINVAL);
	CHECK(dk_container_create(&v, c, NULL, NULL, "[1]") == DK_EINVAL);
	CHECK(dk_container_create(&v, c, NULL, NULL, "{\"Image\":1} x") == DK_EINVAL);
	CHECK(dk_container_create(&v, c, NULL, NULL, NULL) == DK_EINVAL);
	CHECK(dk_container_wait(&v, c, "x", "sometime", 1000) == DK_EINVAL);
	CHECK(strstr(dk_error_last()->message, "not-running") != NULL);
	CHECK(dk_container_resize(c, "x", -1, 10) == DK_EINVAL);
	CHECK(dk_container_inspect(&v, c, "", 0) == DK_EINVAL);
	CHECK(dk_container_inspect(&v, c, "../x", 0) == DK_EINVAL);
	CHECK(dk_container_delete(c, "nolink", 0, 0, 1) == DK_EINVAL);
	CHECK(dk_container_stop(c, "x", 1, "SIGUSR1") == DK_EVERSION);
	CHECK(strstr(dk_error_last()->message, "1.42") != NULL);
	CHECK(dk_container_archive_info(&v, c, "x", "") == DK_EINVAL);
	CHECK(calls == 0);
	CHECK(v == NULL);
	CHECK_RC(dk_client_set_trace(c, NULL, NULL, 0));

	/* create, inspect */
	snprintf(body, sizeof(body),
		"{\"Image\":\"%s\",\"Cmd\":[\"sh\",\"-c\",\"echo hi > /tmp/c.txt; sleep 300\"],"
		"\"Env\":[\"FROM_C=1\"],\"Labels\":{\"clibdocker-test\":\"1\",\"from\":\"c\"},"
		"\"HostConfig\":{\"Memory\":67108864,\"RestartPolicy\":{\"Name\":\"no\"}}}", image);
	CHECK_RC(dk_container_create(&v, c, name, NULL, body));
	snprintf(id, sizeof(id), "%s", v ? dk_value_get_string(v, "/Id") : "");
	CHECK(strlen(id) == 64);
	dk_value_free(v);
	v = NULL;
	CHECK(dk_container_create(&v, c, name, NULL, body) == DK_ECONFLICT);
	CHECK(dk_error_last()->http_status == 409);

	CHECK_RC(dk_container_inspect(&v, c, name, 0));
	if (v) {
		CHECK(streq(dk_value_get_string(v, "/Config/Labels/from"), "c"));
		CHECK(dk_value_get_int(v, "/HostConfig/Memory", &n) == 0 && n == 67108864);
		CHECK(streq(dk_value_get_string(v, "/State/Status"), "created"));
	}
	dk_value_free(v);
	v = NULL;

	/* list by label */
	snprintf(filters, sizeof(filters), "{\"name\":[\"%s\"]}", name);
	CHECK_RC(dk_container_list(&v, c, 1, -1, 0, filters));
	CHECK(v && dk_value_count(v, "") == 1 && streq(dk_value_get_string(v, "/0/Id"), id));
	dk_value_free(v);
	v = NULL;

	/* start; wait with a short timeout: DK_ETIMEOUT, then the client works */
	CHECK_RC(dk_container_start(c, id, NULL));
	t0 = now_ms();
	rc = dk_container_wait(&v, c, id, "not-running", 400);
	CHECK(rc == DK_ETIMEOUT);
	CHECK(now_ms() - t0 < 5000);
	/* the engine had answered 200: the error names the wait request */
	CHECK(dk_error_last()->http_status == 200);
	CHECK(strstr(dk_error_last()->url, "/wait?condition=not-running") != NULL);
	CHECK(!strcmp(dk_error_last()->method, "POST"));
	CHECK(v == NULL);
	CHECK_RC(dk_container_inspect(&v, c, id, 0));
	CHECK(v && dk_value_get_bool(v, "/State/Running", &b) == 0 && b == 1);
	dk_value_free(v);
	v = NULL;

	/* archive info: the file the command wrote */
	t0 = now_ms();
	do {
		dk_value_free(v);
		v = NULL;
		rc = dk_container_archive_info(&v, c, id, "/tmp/c.txt");
	} while (rc == DK_ENOTFOUND && now_ms() - t0 < 10000 && usleep(100000) == 0);
	CHECK_RC(rc);
	CHECK(v && streq(dk_value_get_string(v, "/name"), "c.txt"));
	CHECK(v && dk_value_get_int(v, "/size", &n) == 0 && n == 3);
	dk_value_free(v);
	v = NULL;

	/* pause, unpause, kill, wait */
	CHECK_RC(dk_container_pause(c, id));
	CHECK_RC(dk_container_inspect(&v, c, id, 0));
	CHECK(v && dk_value_get_bool(v, "/State/Paused", &b) == 0 && b == 1);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_container_unpause(c, id));
	CHECK_RC(dk_container_kill(c, id, "SIGKILL"));
	CHECK_RC(dk_container_wait(&v, c, id, NULL, 20000));
	CHECK(v && dk_value_get_int(v, "/StatusCode", &n) == 0 && n == 137);
	dk_value_free(v);
	v = NULL;

	/* remove; then NotFound with the daemon's message */
	CHECK_RC(dk_container_delete(c, id, 1, 0, 0));
	CHECK(dk_container_inspect(&v, c, id, 0) == DK_ENOTFOUND);
	CHECK(strstr(dk_error_last()->message, "No such container") != NULL);
	CHECK(dk_error_last()->http_status == 404);
	/* the refused request's URL, as sent */
	CHECK(strstr(dk_error_last()->url, "/containers/") != NULL);
	CHECK(strstr(dk_error_last()->url, "/json") != NULL);
	CHECK(!strcmp(dk_error_last()->method, "GET"));
	CHECK(dk_container_delete(c, id, 0, 0, 0) == DK_ENOTFOUND);
	CHECK(!strcmp(dk_error_last()->method, "DELETE"));
	dk_error_clear();
	CHECK(dk_error_last()->url[0] == '\0');
	CHECK(dk_error_last()->method[0] == '\0');

	/* the 'signal' parameter on the newer engine */
	CHECK_RC(dk_client_new(&c2, env_or("CLIBDOCKER_TEST_ENGINE2",
		"unix:///run/clibdocker-engine2/docker.sock")));
	snprintf(body, sizeof(body),
		"{\"Image\":\"%s\",\"Cmd\":[\"sh\",\"-c\",\"trap 'exit 7' USR1; while :; do sleep 0.1; done\"],"
		"\"Labels\":{\"clibdocker-test\":\"1\"}}", image);
	CHECK_RC(dk_container_create(&v, c2, NULL, NULL, body));
	snprintf(id, sizeof(id), "%s", v ? dk_value_get_string(v, "/Id") : "x");
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_container_start(c2, id, NULL));
	CHECK_RC(dk_container_stop(c2, id, 5, "SIGUSR1"));
	CHECK_RC(dk_container_inspect(&v, c2, id, 0));
	CHECK(v && dk_value_get_int(v, "/State/ExitCode", &n) == 0 && n == 7);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_container_delete(c2, id, 1, 1, 0));

	dk_client_free(c2);
	dk_client_free(c);
	DKT_DONE();
}
