/* The Swarm, Node, Service, Task, Secret and Config C API end to end on a
 * real single-node swarm (the main engine, made a manager here when it is in
 * no swarm, and left again at the end with the networks the swarm created).
 * Also what is refused before sending, and that secrets never reach the
 * trace. Covers @op SwarmInit @op SwarmInspect @op SwarmUnlockkey
 * @op SwarmLeave @op NodeList @op NodeInspect @op NodeUpdate
 * @op ServiceCreate @op ServiceInspect @op ServiceList @op ServiceUpdate
 * @op ServiceDelete @op TaskList @op TaskInspect @op SecretCreate
 * @op SecretInspect @op SecretUpdate @op SecretDelete @op ConfigCreate
 * @op ConfigInspect @op ConfigList @op ConfigDelete */
#define _GNU_SOURCE
#include "dktest.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

/* The last traced request/response bodies (copies). */
static char last_req[8192], last_resp[8192], last_url[1024];

static void trace_fn(const dk_trace *t, void *ud)
{
	size_t n;

	(void)ud;
	snprintf(last_url, sizeof(last_url), "%s", t->url);
	n = t->request_body ? t->request_body_len : 0;
	if (n >= sizeof(last_req))
		n = sizeof(last_req) - 1;
	if (n)
		memcpy(last_req, t->request_body, n);
	last_req[n] = '\0';
	n = t->response_body ? t->response_body_len : 0;
	if (n >= sizeof(last_resp))
		n = sizeof(last_resp) - 1;
	if (n)
		memcpy(last_resp, t->response_body, n);
	last_resp[n] = '\0';
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int swarm_state(dk_client *c, char *buf, size_t n)
{
	dk_value *v = NULL;
	const char *s;
	int rc = dk_system_info(&v, c);

	buf[0] = '\0';
	if (!rc && (s = dk_value_get_string(v, "/Swarm/LocalNodeState")))
		snprintf(buf, n, "%s", s);
	dk_value_free(v);
	return rc;
}

/* 1 if network `name` exists; with `endpoint`, 1 only if it has that
 * endpoint; with `any_endpoint`, 1 only if it has any. */
static int network_has(dk_client *c, const char *name, const char *endpoint, int any_endpoint)
{
	dk_value *v = NULL;
	char ptr[128];
	int found;

	if (dk_network_inspect(&v, c, name, -1, NULL))
		return 0;
	if (endpoint) {
		snprintf(ptr, sizeof(ptr), "/Containers/%s", endpoint);
		found = dk_value_type(v, ptr) == DK_JSON_OBJECT;
	} else if (any_endpoint) {
		found = dk_value_count(v, "/Containers") > 0;
	} else {
		found = 1;
	}
	dk_value_free(v);
	return found;
}

static void test_refused_before_sending(dk_client *c)
{
	dk_value *v = NULL;

	CHECK(dk_swarm_init(&v, c, NULL) == DK_EINVAL);
	CHECK(dk_swarm_init(&v, c, "[1]") == DK_EINVAL);
	CHECK(dk_swarm_init(&v, c, "{\"ListenAddr\":1} x") == DK_EINVAL);
	CHECK(dk_swarm_join(c, "not json") == DK_EINVAL);
	CHECK(dk_swarm_update(c, "{}", -1, 0, 0, 0) == DK_EINVAL);
	CHECK(dk_swarm_unlock(c, NULL) == DK_EINVAL);
	CHECK(dk_node_update(c, "x", -1, "{}") == DK_EINVAL);
	CHECK(dk_node_update(c, "x", 1, "[]") == DK_EINVAL);
	CHECK(dk_node_inspect(&v, c, "") == DK_EINVAL);
	CHECK(dk_service_update(&v, c, "x", 1, "{}", "elsewhere", NULL, NULL) == DK_EINVAL);
	CHECK(dk_service_update(&v, c, "x", 1, "{}", NULL, "next", NULL) == DK_EINVAL);
	CHECK(dk_service_update(&v, c, "x", -1, "{}", NULL, NULL, NULL) == DK_EINVAL);
	CHECK(dk_service_list(&v, c, "[\"x\"]", -1) == DK_EINVAL);
	CHECK(dk_secret_create(&v, c, NULL) == DK_EINVAL);
	CHECK(dk_config_update(c, "x", -1, "{}") == DK_EINVAL);
	/* API 1.41: a spec member of 1.46 */
	CHECK(dk_service_create(&v, c, "{\"TaskTemplate\":{\"ContainerSpec\":"
		"{\"Image\":\"x\",\"OomScoreAdj\":5}}}", NULL) == DK_EVERSION);
	CHECK(strstr(dk_error_last()->message, "OomScoreAdj"));
	CHECK(dk_service_create(&v, c, "{\"TaskTemplate\":{\"ContainerSpec\":"
		"{\"Image\":\"x\",\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/t\"},"
		"{\"Type\":\"tmpfs\",\"Target\":\"/u\",\"TmpfsOptions\":{\"Options\":[[\"exec\"]]}}]}}}",
		NULL) == DK_EVERSION);
	CHECK(v == NULL);
}

static void test_live(dk_client *c, const char *tag)
{
	char spec[2048], name[96], id[96] = "", cid[96] = "", svc[96] = "", task[96] = "";
	char node[96] = "", ptr[64];
	dk_value *v = NULL;
	const char *s;
	int64_t ver = 0, n;
	int i, running = 0;

	/* the swarm itself */
	CHECK_RC(dk_swarm_inspect(&v, c));
	CHECK(v && dk_value_get_string(v, "/ID") != NULL);
	CHECK(strstr(last_resp, "\"JoinTokens\":\"<redacted>\"") && !strstr(last_resp, "SWMTKN"));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_swarm_unlockkey(&v, c));
	CHECK(v && dk_value_get_string(v, "/UnlockKey") && !*dk_value_get_string(v, "/UnlockKey"));
	dk_value_free(v);
	v = NULL;

	/* nodes */
	CHECK_RC(dk_node_list(&v, c, "{\"role\":[\"manager\"]}"));
	CHECK(v && dk_value_count(v, "") == 1);
	if (v && (s = dk_value_get_string(v, "/0/ID")))
		snprintf(node, sizeof(node), "%s", s);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_node_inspect(&v, c, node));
	CHECK(v && dk_value_get_int(v, "/Version/Index", &ver) == 0);
	dk_value_free(v);
	v = NULL;
	snprintf(spec, sizeof(spec), "{\"Role\":\"manager\",\"Availability\":\"active\","
		"\"Labels\":{\"c-tag\":\"%s\"}}", tag);
	CHECK_RC(dk_node_update(c, node, ver, spec));
	CHECK(dk_node_update(c, node, ver, spec) == DK_EAPI); /* stale version */
	CHECK(strstr(dk_error_last()->message, "out of sequence"));
	CHECK_RC(dk_node_inspect(&v, c, node));
	snprintf(ptr, sizeof(ptr), "/Spec/Labels/c-tag");
	CHECK(v && (s = dk_value_get_string(v, ptr)) && !strcmp(s, tag));
	if (v && dk_value_get_int(v, "/Version/Index", &ver) == 0)
		CHECK_RC(dk_node_update(c, node, ver, "{\"Role\":\"manager\",\"Availability\":\"active\"}"));
	dk_value_free(v);
	v = NULL;
	CHECK(dk_node_inspect(&v, c, "nosuchnode") == DK_ENOTFOUND);

	/* a secret: "s3cret-c" in base64 is czNjcmV0LWM= */
	snprintf(name, sizeof(name), "clibdocker-test-csecret-%s", tag);
	snprintf(spec, sizeof(spec), "{\"Name\":\"%s\",\"Data\":\"czNjcmV0LWM=\","
		"\"Labels\":{\"clibdocker-test\":\"1\"}}", name);
	CHECK_RC(dk_secret_create(&v, c, spec));
	CHECK(strstr(last_req, "\"Data\":\"<redacted>\"") && !strstr(last_req, "czNjcmV0LWM="));
	if (v && (s = dk_value_get_string(v, "/ID")))
		snprintf(id, sizeof(id), "%s", s);
	dk_value_free(v);
	v = NULL;
	CHECK(dk_secret_create(&v, c, spec) == DK_ECONFLICT);
	CHECK(!strstr(dk_error_last()->message, "czNjcmV0LWM="));
	CHECK_RC(dk_secret_inspect(&v, c, id));
	CHECK(v && dk_value_type(v, "/Spec/Data") == DK_JSON_MISSING);
	CHECK(v && dk_value_get_int(v, "/Version/Index", &ver) == 0);
	dk_value_free(v);
	v = NULL;
	snprintf(spec, sizeof(spec), "{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\","
		"\"x\":\"y\"}}", name);
	CHECK_RC(dk_secret_update(c, id, ver, spec));
	CHECK_RC(dk_secret_inspect(&v, c, name));
	CHECK(v && (s = dk_value_get_string(v, "/Spec/Labels/x")) && !strcmp(s, "y"));
	dk_value_free(v);
	v = NULL;

	/* a service using it: its task runs */
	snprintf(svc, sizeof(svc), "clibdocker-test-csvc-%s", tag);
	snprintf(spec, sizeof(spec),
		"{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\"},"
		"\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"clibdocker-test/busybox:latest\","
		"\"Command\":[\"sleep\",\"300\"],\"StopGracePeriod\":1000000000,"
		"\"Labels\":{\"clibdocker-test\":\"1\"},"
		"\"Secrets\":[{\"SecretID\":\"%s\",\"SecretName\":\"%s\",\"File\":{\"Name\":\"s\","
		"\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292}}]},"
		"\"RestartPolicy\":{\"Condition\":\"none\"}},"
		"\"Mode\":{\"Replicated\":{\"Replicas\":1}}}", svc, id, name);
	CHECK_RC(dk_service_create(&v, c, spec, NULL));
	dk_value_free(v);
	v = NULL;
	CHECK(dk_secret_delete(c, id) == DK_EAPI); /* in use */
	snprintf(spec, sizeof(spec), "{\"service\":[\"%s\"],\"desired-state\":[\"running\"]}", svc);
	for (i = 0; i < 300 && !running; i++) {
		if (dk_task_list(&v, c, spec) == 0 && dk_value_count(v, "") == 1 &&
		    (s = dk_value_get_string(v, "/0/Status/State")) && !strcmp(s, "running")) {
			running = 1;
			snprintf(task, sizeof(task), "%s", dk_value_get_string(v, "/0/ID"));
		}
		dk_value_free(v);
		v = NULL;
		if (!running)
			sleep_ms(200);
	}
	CHECK(running);
	CHECK_RC(dk_task_inspect(&v, c, task));
	if (v && (s = dk_value_get_string(v, "/Status/ContainerStatus/ContainerID")))
		snprintf(cid, sizeof(cid), "%s", s);
	CHECK(strlen(cid) == 64);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_service_list(&v, c, "{\"label\":[\"clibdocker-test\"]}", 1));
	CHECK(v && dk_value_count(v, "") >= 1);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_service_inspect(&v, c, svc, 1));
	CHECK(v && dk_value_get_int(v, "/Version/Index", &ver) == 0);
	CHECK(v && dk_value_get_int(v, "/Spec/UpdateConfig/Parallelism", &n) == 0 && n == 1);
	dk_value_free(v);
	v = NULL;
	/* update: labels only (a stale version is refused) */
	snprintf(spec, sizeof(spec),
		"{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\",\"u\":\"2\"},"
		"\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"clibdocker-test/busybox:latest\","
		"\"Command\":[\"sleep\",\"300\"]}},\"Mode\":{\"Replicated\":{\"Replicas\":0}}}", svc);
	CHECK_RC(dk_service_update(&v, c, svc, ver, spec, NULL, NULL, NULL));
	dk_value_free(v);
	v = NULL;
	CHECK(dk_service_update(&v, c, svc, ver, spec, NULL, NULL, NULL) == DK_EAPI);
	CHECK_RC(dk_service_inspect(&v, c, svc, -1));
	CHECK(v && (s = dk_value_get_string(v, "/Spec/Labels/u")) && !strcmp(s, "2"));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_service_delete(c, svc));
	CHECK(dk_service_inspect(&v, c, svc, -1) == DK_ENOTFOUND);
	/* the secret is free once the task is gone */
	for (i = 0; i < 150 && dk_secret_delete(c, id) == DK_EAPI; i++)
		sleep_ms(200);
	CHECK(dk_secret_inspect(&v, c, id) == DK_ENOTFOUND);

	/* a config: its data comes back */
	snprintf(name, sizeof(name), "clibdocker-test-cconfig-%s", tag);
	snprintf(spec, sizeof(spec), "{\"Name\":\"%s\",\"Data\":\"aGVsbG8=\","
		"\"Labels\":{\"clibdocker-test\":\"1\",\"c-tag\":\"%s\"}}", name, tag);
	CHECK_RC(dk_config_create(&v, c, spec));
	CHECK(strstr(last_req, "\"Data\":\"<redacted>\""));
	if (v && (s = dk_value_get_string(v, "/ID")))
		snprintf(id, sizeof(id), "%s", s);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_config_inspect(&v, c, id));
	CHECK(v && (s = dk_value_get_string(v, "/Spec/Data")) && !strcmp(s, "aGVsbG8="));
	dk_value_free(v);
	v = NULL;
	snprintf(spec, sizeof(spec), "{\"label\":[\"c-tag=%s\"]}", tag);
	CHECK_RC(dk_config_list(&v, c, spec));
	CHECK(v && dk_value_count(v, "") == 1);
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_config_delete(c, id));
	CHECK(dk_config_delete(c, id) == DK_ENOTFOUND);
}

int main(void)
{
	dk_client *c = NULL;
	dk_value *v = NULL;
	char state[32], tag[32];
	const char *host = getenv("DOCKER_HOST");
	int had_gwbridge, i;

	snprintf(tag, sizeof(tag), "%ld%d", (long)time(NULL) % 100000, (int)getpid());
	CHECK_RC(dk_client_new(&c, host && *host ? host : NULL));
	if (!c)
		DKT_DONE();
	CHECK_RC(dk_client_set_trace(c, trace_fn, NULL, sizeof(last_req) - 1));
	test_refused_before_sending(c);

	CHECK_RC(swarm_state(c, state, sizeof(state)));
	if (strcmp(state, "inactive")) {
		/* in use by someone else (or a swarm test running now): leave it be */
		printf("# the engine's swarm state is '%s': live part skipped\n", state);
		dk_client_free(c);
		DKT_DONE();
	}
	had_gwbridge = network_has(c, "docker_gwbridge", NULL, 0);
	CHECK_RC(dk_swarm_init(&v, c, "{\"ListenAddr\":\"127.0.0.1:2377\","
		"\"AdvertiseAddr\":\"127.0.0.1\"}"));
	CHECK(v && dk_value_type(v, "") == DK_JSON_STRING);
	dk_value_free(v);
	v = NULL;
	/* wait for the routing mesh: leaving before it is up leaves a stale
	 * ingress network behind (Docker 20.10) */
	for (i = 0; i < 300 && !network_has(c, "ingress", "ingress-sbox", 0); i++)
		sleep_ms(100);
	CHECK(network_has(c, "ingress", "ingress-sbox", 0));

	test_live(c, tag);

	CHECK(dk_swarm_leave(c, 0) == DK_EAPI); /* a manager needs force */
	CHECK_RC(dk_swarm_leave(c, 1));
	/* the node may report a passing state for a moment after leaving */
	for (i = 0; i < 100; i++) {
		CHECK_RC(swarm_state(c, state, sizeof(state)));
		if (!strcmp(state, "inactive"))
			break;
		sleep_ms(100);
	}
	CHECK(!strcmp(state, "inactive"));
	CHECK(dk_swarm_inspect(&v, c) == DK_EAPI && dk_error_last()->http_status == 503);
	for (i = 0; i < 300 && network_has(c, "ingress", NULL, 0); i++)
		sleep_ms(100);
	CHECK(!network_has(c, "ingress", NULL, 0));
	if (!had_gwbridge) {
		for (i = 0; i < 300 && network_has(c, "docker_gwbridge", NULL, 1); i++)
			sleep_ms(100);
		CHECK_RC(dk_network_delete(c, "docker_gwbridge"));
	}
	dk_client_free(c);
	DKT_DONE();
}
