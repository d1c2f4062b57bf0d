/* API version gates: every row of the generated table refuses the version
 * just below it (and, for removed parameters, the one just above its last),
 * the call mechanism applies the table to operations, query parameters,
 * headers and JSON body members before anything is sent, and the client
 * accepts the versions 1.24..1.55 only. No engine needed. */
#include "dktest.h"

#include <json-c/json.h>

#include "clibdocker/clibdocker.h"
#include "client_int.h"
#include "gates_int.h"

static int parse(const char *s)
{
	unsigned major = 0, minor = 0;

	if (sscanf(s, "%u.%u", &major, &minor) != 2)
		return -1;
	return (int)(major * 1000 + minor);
}

static int msg_has(const char *needle)
{
	return strstr(dk_error_last()->message, needle) != NULL;
}

/* Every gate: refused at since - 0.01 with a message naming the operation,
 * the parameter and both versions; allowed at since; a removed parameter
 * allowed at its last version and refused after it. */
static void every_row(void)
{
	size_t i, first, n;
	int min = parse(DK_API_VERSION_MIN), max = parse(DK_API_VERSION_MAX);
	char text[16];

	CHECK(dk__gates_len > 100);
	for (i = 0; i < dk__gates_len; i++) {
		const dk_gate *g = &dk__gates[i];
		int below = g->since - 1;

		/* sorted, and found by the lookup */
		if (i > 0) {
			int d = strcmp(dk__gates[i - 1].op, g->op);
			CHECK(d < 0 || (d == 0 && (dk__gates[i - 1].kind < g->kind ||
				(dk__gates[i - 1].kind == g->kind &&
				 strcmp(dk__gates[i - 1].name, g->name) < 0))));
		}
		CHECK(dk__gate_find(g->op, g->kind, g->name) == g);
		dk__gate_range(g->op, g->kind, &first, &n);
		CHECK(first <= i && i < first + n);
		CHECK(g->since >= min && g->since <= max + 1);
		CHECK((g->kind == DK_GATE_OP) == (g->name[0] == '\0'));
		/* every gate gates something: newer than our minimum, or removed */
		CHECK(g->since > min || g->until);

		if (g->since > min) {
			snprintf(text, sizeof(text), "%d.%d", below / 1000, below % 1000);
			CHECK(dk__gate_check(g, below, text) == DK_EVERSION);
			CHECK(msg_has(g->op));
			CHECK(msg_has(g->name));
			CHECK(msg_has(text));
			snprintf(text, sizeof(text), "%d.%d", g->since / 1000, g->since % 1000);
			CHECK(msg_has(text));
			CHECK(dk__gate_check(g, g->since, text) == 0);
		}
		if (g->until) {
			int after = g->until + 1;

			snprintf(text, sizeof(text), "%d.%d", after / 1000, after % 1000);
			CHECK(dk__gate_check(g, g->until, "x") == 0);
			CHECK(dk__gate_check(g, after, text) == DK_EVERSION);
			CHECK(msg_has("removed after API version"));
			CHECK(msg_has(g->name));
		} else {
			CHECK(dk__gate_check(g, max, DK_API_VERSION_MAX) == 0 || g->since > max);
		}
	}
	/* not gated: unknown operations and parameters, and NULL */
	CHECK(dk__gate_find("ContainerList", DK_GATE_OP, "") == NULL);
	CHECK(dk__gate_find("ContainerCreate", DK_GATE_QUERY, "name") == NULL);
	CHECK(dk__gate_find("NoSuchOp", DK_GATE_QUERY, "x") == NULL);
	CHECK(dk__gate_check(NULL, min, DK_API_VERSION_MIN) == 0);
	/* headers compare case-insensitively */
	CHECK(dk__gate_find("PluginUpgrade", DK_GATE_HEADER, "X-REGISTRY-AUTH") != NULL);
}

static int has(const char *json, const char *path)
{
	json_object *o = json_tokener_parse(json);
	int r = dk__gate_has_field(o, path);

	json_object_put(o);
	return r;
}

static void field_paths(void)
{
	CHECK(has("{\"A\":{\"B\":1}}", "A.B"));
	CHECK(!has("{\"A\":{\"B\":null}}", "A.B"));
	CHECK(has("{\"A\":{\"B\":false}}", "A.B"));
	CHECK(!has("{\"A\":{\"C\":1}}", "A.B"));
	CHECK(!has("{\"A\":5}", "A.B"));
	/* member names differing in case only: the engine reads them too */
	CHECK(has("{\"HostConfig\":{\"CPURealtimePeriod\":1}}", "HostConfig.CpuRealtimePeriod"));
	CHECK(has("{\"hostconfig\":{\"autoremove\":true}}", "HostConfig.AutoRemove"));
	CHECK(!has("{\"HostConfig\":{\"CPURealtimePeriod\":null}}", "HostConfig.CpuRealtimePeriod"));
	CHECK(!has("{\"HostConfig\":{\"CPURealtime\":1}}", "HostConfig.CpuRealtimePeriod"));
	CHECK(has("{\"A\":[{\"x\":1},{\"B\":2}]}", "A[].B"));
	CHECK(!has("{\"A\":[{\"x\":1}]}", "A[].B"));
	CHECK(has("{\"E\":{\"net1\":{},\"net2\":{\"M\":\"x\"}}}", "E.*.M"));
	CHECK(!has("{\"E\":{\"net1\":{}}}", "E.*.M"));
	CHECK(!has("[1,2]", "A"));
	/* names that differ only in case count, as the engine decodes them
	 * (docker-py's "CPURealtimePeriod" for HostConfig.CpuRealtimePeriod) */
	CHECK(has("{\"HostConfig\":{\"CPURealtimePeriod\":1}}", "HostConfig.CpuRealtimePeriod"));
	CHECK(has("{\"hostconfig\":{\"AUTOREMOVE\":true}}", "HostConfig.AutoRemove"));
	CHECK(!has("{\"HostConfig\":{\"CPURealtimePeriod\":null}}", "HostConfig.CpuRealtimePeriod"));
	CHECK(!has("{\"HostConfig\":{\"CpuRealtime\":1}}", "HostConfig.CpuRealtimePeriod"));
}

static void versions(void)
{
	dk_client *c = NULL;
	const char *v = NULL;

	CHECK_RC(dk_client_new(&c, "unix:///tmp/nonexistent.sock"));
	CHECK_RC(dk_client_set_api_version(c, "1.24"));
	CHECK_RC(dk_client_api_version(&v, c));
	CHECK(v && !strcmp(v, "1.24"));
	CHECK_RC(dk_client_set_api_version(c, "v1.55"));
	CHECK_RC(dk_client_set_api_version(c, "1.30"));
	CHECK(dk_client_set_api_version(c, "1.23") == DK_EVERSION);
	CHECK(msg_has("1.24"));
	CHECK(dk_client_set_api_version(c, "1.10") == DK_EVERSION);
	CHECK(dk_client_set_api_version(c, "1.56") == DK_EVERSION);
	CHECK(dk_client_set_api_version(c, "2.0") == DK_EVERSION);
	CHECK(dk_client_set_api_version(c, "one.two") == DK_EINVAL);
	CHECK(dk_client_set_api_version(c, "1.") == DK_EINVAL);
	CHECK(dk_client_set_api_version(c, "1.24x") == DK_EINVAL);
	/* a refused version leaves the previous one */
	CHECK_RC(dk_client_api_version(&v, c));
	CHECK(v && !strcmp(v, "1.30"));
	dk_client_free(c);
}

static int traced;

static void trace_fn(const dk_trace *t, void *ud)
{
	(void)t;
	(void)ud;
	traced++;
}

/* The call mechanism applies the table: nothing is sent (the socket does
 * not exist: a request would fail with DK_ECONNECT, not DK_EVERSION). */
static void calls(void)
{
	dk_client *c = NULL;
	dk_call k;
	static const char create_body[] =
		"{\"Image\":\"busybox\",\"HostConfig\":{\"AutoRemove\":true}}";
	static const char plain_body[] = "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":0}}";

	CHECK_RC(dk_client_new(&c, "unix:///tmp/nonexistent.sock"));
	CHECK_RC(dk_client_set_trace(c, trace_fn, NULL, 0));
	CHECK_RC(dk_client_set_api_version(c, "1.24"));

	/* operations */
	CHECK(dk__call_begin(&k, c, "GET", "SystemDataUsage", 1, "/system/df") == DK_EVERSION);
	CHECK(msg_has("SystemDataUsage") && msg_has("1.25") && msg_has("1.24"));
	CHECK(dk__call_begin(&k, c, "GET", "ConfigList", 1, "/configs") == DK_EVERSION);
	CHECK(msg_has("1.30"));
	CHECK(dk__call_begin(&k, c, "POST", "BuildPrune", 1, "/build/prune") == DK_EVERSION);
	CHECK_RC(dk__call_begin(&k, c, "GET", "ContainerList", 1, "/containers/json"));
	CHECK(!strncmp(k.url.ptr, "http://localhost/v1.24/", 23));
	dk__call_abort(&k, 0);
	/* an unversioned call is not gated */
	CHECK_RC(dk__call_begin(&k, c, "HEAD", "SystemPingHead", 0, "/_ping"));
	dk__call_abort(&k, 0);

	/* query parameters, as they are added */
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create"));
	CHECK_RC(dk__call_query_str(&k, "name", "x"));
	CHECK(dk__call_query_str(&k, "platform", "linux") == DK_EVERSION);
	CHECK(msg_has("ContainerCreate") && msg_has("'platform'") && msg_has("1.41") && msg_has("1.24"));
	CHECK(!strstr(k.url.ptr, "platform"));
	dk__call_abort(&k, 0);
	CHECK_RC(dk__call_begin(&k, c, "GET", "ImageList", 1, "/images/json"));
	CHECK(dk__call_query_bool(&k, "shared-size", 1) == DK_EVERSION);
	CHECK(dk__call_query_bool(&k, "shared-size", -1) == 0); /* skipped: not sent */
	dk__call_abort(&k, 0);
	CHECK_RC(dk__call_begin(&k, c, "DELETE", "VolumeDelete", 1, "/volumes/{}", "v"));
	CHECK(dk__call_query_bool(&k, "force", 1) == DK_EVERSION);
	dk__call_abort(&k, 0);
	CHECK_RC(dk__call_begin(&k, c, "GET", "ContainerLogs", 1, "/containers/{}/logs", "x"));
	CHECK(dk__call_query_int(&k, "until", 5) == DK_EVERSION);
	dk__call_abort(&k, 0);

	/* headers (the hand-kept ones are all older than 1.25: none refuses) */
	CHECK_RC(dk__call_begin(&k, c, "POST", "ImageCreate", 1, "/images/create"));
	CHECK_RC(dk__call_header(&k, "X-Registry-Auth", "e30", 1));
	dk__call_abort(&k, 0);

	/* JSON body members: checked before sending, and nothing is traced */
	traced = 0;
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create"));
	dk__call_json_body(&k, create_body, strlen(create_body), 0);
	CHECK(dk__call_ready(&k) == DK_EVERSION);
	CHECK(msg_has("'HostConfig.AutoRemove'") && msg_has("1.25"));
	dk__call_abort(&k, 0);
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create"));
	dk__call_json_body(&k, create_body, strlen(create_body), 0);
	CHECK(dk__call_value(&k, &(dk_value *){ NULL }) == DK_EVERSION);
	CHECK(traced == 0);
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create"));
	dk__call_json_body(&k, plain_body, strlen(plain_body), 0);
	CHECK_RC(dk__call_ready(&k));
	dk__call_abort(&k, 0);

	/* a newer client version passes the same gates */
	CHECK_RC(dk_client_set_api_version(c, "1.41"));
	CHECK_RC(dk__call_begin(&k, c, "GET", "SystemDataUsage", 1, "/system/df"));
	dk__call_abort(&k, 0);
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create"));
	CHECK_RC(dk__call_query_str(&k, "platform", "linux"));
	dk__call_json_body(&k, create_body, strlen(create_body), 0);
	CHECK_RC(dk__call_ready(&k));
	dk__call_abort(&k, 0);
	/* ...and a removed one is refused above its last version */
	CHECK_RC(dk_client_set_api_version(c, "1.52"));
	CHECK_RC(dk__call_begin(&k, c, "POST", "BuildPrune", 1, "/build/prune"));
	CHECK(dk__call_query_int(&k, "keep-storage", 1) == DK_EVERSION);
	CHECK(msg_has("removed after API version 1.51"));
	CHECK_RC(dk__call_query_int(&k, "reserved-space", 1));
	dk__call_abort(&k, 0);
	/* the hand-written gate keeps working */
	CHECK_RC(dk_client_set_api_version(c, "1.29"));
	CHECK_RC(dk__call_begin(&k, c, "POST", "ContainerWait", 1, "/containers/{}/wait", "x"));
	CHECK(dk__call_require(&k, "1.30", "the 'condition' parameter") == DK_EVERSION);
	dk__call_abort(&k, 0);
	dk_client_free(c);
}

int main(void)
{
	every_row();
	field_paths();
	versions();
	calls();
	DKT_DONE();
}
