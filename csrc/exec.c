/* The Exec API. */
#include "clibdocker/exec.h"

#include <stdio.h>
#include <string.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "clibdocker/value.h"
#include "client_int.h"
#include "errors_int.h"
#include "hijack_int.h"
#include "stream_int.h"

int dk_exec_create(dk_value **out, dk_client *c, const char *container, const char *config_json)
{
	dk_call k;
	int rc;

	if (!config_json)
		return dk__err(DK_EINVAL, 0, 0, "ContainerExec: the exec configuration is NULL");
	rc = dk__call_begin(&k, c, "POST", "ContainerExec", 1, "/containers/{}/exec", container);
	if (rc)
		return rc;
	dk__call_json_body(&k, config_json, strlen(config_json), 0);
	return dk__call_value(&k, out);
}

int dk_exec_inspect(dk_value **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ExecInspect", 1, "/exec/{}/json", id);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_exec_resize(dk_client *c, const char *id, int height, int width)
{
	dk_call k;
	int rc;

	if (height < 0 || width < 0)
		return dk__err(DK_EINVAL, 0, 0, "ExecResize: height and width must be >= 0");
	rc = dk__call_begin(&k, c, "POST", "ExecResize", 1, "/exec/{}/resize", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_int(&k, "h", height)) || (rc = dk__call_query_int(&k, "w", width)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

/* Resolve tty -1 into 0/1 (inspecting the exec) and the stream kind. */
static int exec_kind(dk_client *c, const char *id, int *tty, int *kind)
{
	dk_value *v = NULL;
	int rc, t = 0;

	/* Engines up to at least 26.1 call an exec's output raw-stream even
	 * when it is multiplexed: ask the exec. */
	if (*tty < 0) {
		rc = dk_exec_inspect(&v, c, id);
		/* an unknown exec: the start itself is refused, so the error
		 * names POST /exec/{id}/start as the caller asked for it */
		if (rc && rc != DK_ENOTFOUND)
			return rc;
		if (rc || dk_value_get_bool(v, "/ProcessConfig/tty", &t))
			t = 0;
		dk_value_free(v);
		*tty = t;
	}
	*kind = *tty ? DK_STREAM_RAW : DK_STREAM_MUX;
	return 0;
}

static int start_call(dk_call *k, dk_client *c, const char *id, int detach, int tty,
	char *body, size_t cap)
{
	int rc = dk__call_begin(k, c, "POST", "ExecStart", 1, "/exec/{}/start", id);

	if (rc)
		return rc;
	snprintf(body, cap, "{\"Detach\":%s,\"Tty\":%s}", detach ? "true" : "false", tty ? "true" : "false");
	dk__call_json_body(k, body, strlen(body), 0);
	return 0;
}

/* A streaming start (plain or hijacked): the id checked, the TTY and stream
 * kind found. */
static int start_prepare(dk_client *c, const char *id, int *tty, int *kind)
{
	if (!id || !*id)
		return dk__err(DK_EINVAL, 0, 0, "ExecStart: the exec id is empty");
	return exec_kind(c, id, tty, kind);
}

int dk_exec_start(dk_stream **out, dk_client *c, const char *id, int tty)
{
	dk_call k;
	char body[64];
	int rc, kind = DK_STREAM_MUX;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ExecStart: out is NULL");
	*out = NULL;
	rc = start_prepare(c, id, &tty, &kind);
	if (rc)
		return rc;
	/* without Upgrade the engine answers 200 and streams until the
	 * command exits, then closes */
	rc = start_call(&k, c, id, 0, tty, body, sizeof(body));
	return rc ? rc : dk__stream_open(out, &k, kind);
}

int dk_exec_start_detached(dk_client *c, const char *id, int tty)
{
	dk_call k;
	char body[64];
	int rc = start_call(&k, c, id, 1, tty > 0, body, sizeof(body));

	return rc ? rc : dk__call_void(&k);
}

int dk_exec_start_hijack(dk_hijack **out, dk_client *c, const char *id, int tty)
{
	dk_call k;
	char body[64];
	int rc, kind = DK_STREAM_MUX;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ExecStart: out is NULL");
	*out = NULL;
	rc = start_prepare(c, id, &tty, &kind);
	if (rc)
		return rc;
	rc = start_call(&k, c, id, 0, tty, body, sizeof(body));
	return rc ? rc : dk__hijack_open(out, &k, kind);
}
