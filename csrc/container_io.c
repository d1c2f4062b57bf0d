/* A container's streams: logs, attach, export, stats, archives. */
#include "clibdocker/container_io.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "clibdocker/value.h"
#include "client_int.h"
#include "errors_int.h"
#include "hijack_int.h"
#include "stream_int.h"
#include "value_int.h"

void dk_logs_options_init(dk_logs_options *o)
{
	static const dk_logs_options d = DK_LOGS_OPTIONS_INIT;

	if (o)
		*o = d;
}

void dk_attach_options_init(dk_attach_options *o)
{
	static const dk_attach_options d = DK_ATTACH_OPTIONS_INIT;

	if (o)
		*o = d;
}

/* Whether the container has a TTY (GET /containers/{id}/json). */
static int container_tty(dk_client *c, const char *op, const char *id, int *tty)
{
	dk_call k;
	dk_value *v = NULL;
	int rc = dk__call_begin(&k, c, "GET", op, 1, "/containers/{}/json", id);

	if (rc)
		return rc;
	rc = dk__call_value(&k, &v);
	if (rc)
		return rc;
	if (dk_value_get_bool(v, "/Config/Tty", tty))
		*tty = 0;
	dk_value_free(v);
	return 0;
}

/* The stream kind for `tty` (-1: detect). Before API 1.42 the engine does
 * not say whether a stream is multiplexed, so we ask the container; from
 * 1.42 logs name their kind in the Content-Type (`by_content_type`), while
 * attach answers may call a multiplexed stream raw, so we still ask. */
static int stream_kind(dk_client *c, const char *op, const char *id, int tty, int *kind,
	int by_content_type)
{
	int num, rc;

	if (tty >= 0) {
		*kind = tty ? DK_STREAM_RAW : DK_STREAM_MUX;
		return 0;
	}
	num = dk__client_version_num(c);
	if (num < 0)
		return num;
	if (num < 1042 || !by_content_type) {
		rc = container_tty(c, op, id, &tty);
		if (rc)
			return rc;
		*kind = tty ? DK_STREAM_RAW : DK_STREAM_MUX;
		return 0;
	}
	*kind = DK_STREAM_MUX | DK__STREAM_AUTO;
	return 0;
}

int dk_container_logs(dk_stream **out, dk_client *c, const char *id, const dk_logs_options *opts)
{
	static const dk_logs_options defaults = DK_LOGS_OPTIONS_INIT;
	dk_call k;
	int rc, kind = DK_STREAM_MUX;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerLogs: out is NULL");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != DK_LOGS_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "ContainerLogs: unknown options version %d", opts->version);
	if (!id || !*id)
		return dk__err(DK_EINVAL, 0, 0, "ContainerLogs: the container id is empty");
	if (opts->details)
		return dk__err(DK_EINVAL, 0, 0, "ContainerLogs: 'details' is for service and task logs");
	rc = stream_kind(c, "ContainerLogs", id, opts->tty, &kind, 1);
	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerLogs", 1, "/containers/{}/logs", id);
	if (rc)
		return rc;
	if (opts->until)
		rc = dk__call_require(&k, "1.35", "the 'until' parameter");
	if (rc ||
	    (rc = dk__call_query_bool(&k, "stdout", opts->show_stdout ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stderr", opts->show_stderr ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "follow", opts->follow ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "timestamps", opts->timestamps ? 1 : 0)) ||
	    (rc = dk__call_query_str(&k, "since", opts->since)) ||
	    (rc = dk__call_query_str(&k, "until", opts->until)) ||
	    (rc = dk__call_query_str(&k, "tail", opts->tail ? opts->tail : "all")))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, kind);
}

/* A boolean at `pointer` of GET `path` (0 when absent). */
static int get_bool(dk_client *c, const char *op, const char *path, const char *id,
	const char *pointer, int *val)
{
	dk_call k;
	dk_value *v = NULL;
	int rc = dk__call_begin(&k, c, "GET", op, 1, path, id);

	if (rc)
		return rc;
	rc = dk__call_value(&k, &v);
	if (rc)
		return rc;
	if (dk_value_get_bool(v, pointer, val))
		*val = 0;
	dk_value_free(v);
	return 0;
}

static int swarm_logs(dk_stream **out, dk_client *c, const char *op, const char *inspect,
	const char *tty_pointer, const char *logs_path, const char *id, const dk_logs_options *opts)
{
	static const dk_logs_options defaults = DK_LOGS_OPTIONS_INIT;
	dk_call k;
	int rc, tty;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "%s: out is NULL", op);
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != DK_LOGS_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "%s: unknown options version %d", op, opts->version);
	if (!id || !*id)
		return dk__err(DK_EINVAL, 0, 0, "%s: the id is empty", op);
	tty = opts->tty;
	if (tty < 0) {
		rc = get_bool(c, op, inspect, id, tty_pointer, &tty);
		if (rc)
			return rc;
	}
	rc = dk__call_begin(&k, c, "GET", op, 1, logs_path, id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "details", opts->details ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stdout", opts->show_stdout ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stderr", opts->show_stderr ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "follow", opts->follow ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "timestamps", opts->timestamps ? 1 : 0)) ||
	    (rc = dk__call_query_str(&k, "since", opts->since)) ||
	    (rc = dk__call_query_str(&k, "tail", opts->tail ? opts->tail : "all")))
		return dk__call_abort(&k, rc);
	if (opts->until)
		return dk__call_abort(&k, dk__err(DK_EINVAL, 0, 0, "%s: 'until' is for container logs", op));
	return dk__stream_open(out, &k, tty ? DK_STREAM_RAW : DK_STREAM_MUX);
}

int dk_service_logs(dk_stream **out, dk_client *c, const char *id, const dk_logs_options *opts)
{
	return swarm_logs(out, c, "ServiceLogs", "/services/{}", "/Spec/TaskTemplate/ContainerSpec/TTY",
		"/services/{}/logs", id, opts);
}

int dk_task_logs(dk_stream **out, dk_client *c, const char *id, const dk_logs_options *opts)
{
	return swarm_logs(out, c, "TaskLogs", "/tasks/{}", "/Spec/ContainerSpec/TTY",
		"/tasks/{}/logs", id, opts);
}

static int attach_call(dk_call *k, dk_client *c, const char *op, const char *id,
	const dk_attach_options *opts, int with_stdin)
{
	int rc = dk__call_begin(k, c, "POST", op, 1, "/containers/{}/attach", id);

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(k, "stdin", with_stdin && opts->show_stdin ? 1 : 0)) ||
	    (rc = dk__call_query_bool(k, "stdout", opts->show_stdout ? 1 : 0)) ||
	    (rc = dk__call_query_bool(k, "stderr", opts->show_stderr ? 1 : 0)) ||
	    (rc = dk__call_query_bool(k, "logs", opts->logs ? 1 : 0)) ||
	    (rc = dk__call_query_bool(k, "stream", opts->stream ? 1 : 0)) ||
	    (rc = dk__call_query_str(k, "detachKeys", opts->detach_keys)))
		return dk__call_abort(k, rc);
	return 0;
}

/* The attach options (NULL: the defaults) and the id, checked for `op`. */
static int attach_check(const char *op, const char *id, const dk_attach_options **opts)
{
	static const dk_attach_options defaults = DK_ATTACH_OPTIONS_INIT;

	if (!*opts)
		*opts = &defaults;
	if ((*opts)->version != DK_ATTACH_OPTIONS_VERSION)
		return dk__err(DK_EINVAL, 0, 0, "%s: unknown options version %d", op, (*opts)->version);
	if (!id || !*id)
		return dk__err(DK_EINVAL, 0, 0, "%s: the container id is empty", op);
	return 0;
}

static int attach_prepare(dk_client *c, const char *id, const dk_attach_options **opts, int *kind)
{
	int rc = attach_check("ContainerAttach", id, opts);

	return rc ? rc : stream_kind(c, "ContainerAttach", id, (*opts)->tty, kind, 0);
}

int dk_container_attach(dk_stream **out, dk_client *c, const char *id, const dk_attach_options *opts)
{
	dk_call k;
	int rc, kind = DK_STREAM_MUX;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerAttach: out is NULL");
	*out = NULL;
	rc = attach_prepare(c, id, &opts, &kind);
	if (rc)
		return rc;
	/* without Upgrade the engine answers 200 and streams until it closes */
	rc = attach_call(&k, c, "ContainerAttach", id, opts, 0);
	return rc ? rc : dk__stream_open(out, &k, kind);
}

int dk_container_attach_hijack(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts)
{
	dk_call k;
	int rc, kind = DK_STREAM_MUX;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerAttach: out is NULL");
	*out = NULL;
	rc = attach_prepare(c, id, &opts, &kind);
	if (rc)
		return rc;
	rc = attach_call(&k, c, "ContainerAttach", id, opts, 1);
	return rc ? rc : dk__hijack_open(out, &k, kind);
}

int dk_container_attach_websocket(dk_hijack **out, dk_client *c, const char *id,
	const dk_attach_options *opts)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerAttachWebsocket: out is NULL");
	*out = NULL;
	rc = attach_check("ContainerAttachWebsocket", id, &opts);
	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerAttachWebsocket", 1, "/containers/{}/attach/ws", id);
	if (rc)
		return rc;
	/* stdin, stdout and stderr appeared in API 1.42; before, the engine
	 * attaches all three whatever is asked, so they are not sent */
	rc = dk__client_version_num(c);
	if (rc < 0)
		return dk__call_abort(&k, rc);
	if ((rc >= 1042 && ((rc = dk__call_query_bool(&k, "stdin", opts->show_stdin ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stdout", opts->show_stdout ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stderr", opts->show_stderr ? 1 : 0)))) ||
	    (rc = dk__call_query_bool(&k, "logs", opts->logs ? 1 : 0)) ||
	    (rc = dk__call_query_bool(&k, "stream", opts->stream ? 1 : 0)) ||
	    (rc = dk__call_query_str(&k, "detachKeys", opts->detach_keys)))
		return dk__call_abort(&k, rc);
	return dk__hijack_open_ws(out, &k);
}

int dk_container_export(dk_stream **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerExport: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "GET", "ContainerExport", 1, "/containers/{}/export", id);
	return rc ? rc : dk__stream_open(out, &k, DK_STREAM_RAW);
}

int dk_container_stats(dk_stream **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerStats: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "GET", "ContainerStats", 1, "/containers/{}/stats", id);
	if (rc)
		return rc;
	rc = dk__call_query_bool(&k, "stream", 1);
	return rc ? dk__call_abort(&k, rc) : dk__stream_open(out, &k, DK_STREAM_JSON);
}

int dk_container_stats_once(dk_value **out, dk_client *c, const char *id, int one_shot)
{
	dk_call k;
	int rc;

	rc = dk__call_begin(&k, c, "GET", "ContainerStats", 1, "/containers/{}/stats", id);
	if (rc)
		return rc;
	if (one_shot >= 0)
		rc = dk__call_require(&k, "1.41", "the 'one-shot' parameter");
	if (rc || (rc = dk__call_query_bool(&k, "stream", 0)) ||
	    (rc = dk__call_query_bool(&k, "one-shot", one_shot)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_container_archive_get(dk_stream **out, dk_client *c, const char *id, const char *path,
	int compressed)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerArchive: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return dk__err(DK_EINVAL, 0, 0, "ContainerArchive: the path is empty");
	rc = dk__call_begin(&k, c, "GET", "ContainerArchive", 1, "/containers/{}/archive", id);
	if (rc)
		return rc;
	/* compressed: the engine may gzip the transfer; libcurl decodes it, so
	 * the stream is the tar either way (as docker-py's requests hands it) */
	if ((rc = dk__call_query_str(&k, "path", path)) ||
	    (rc = compressed ? dk__call_accept_encoding(&k, "gzip, deflate")
			     : dk__call_header(&k, "Accept-Encoding", "identity", 0)))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_RAW);
}

static int b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

int dk_container_archive_stat(dk_value **out, const dk_stream *s)
{
	size_t n = 0, i, o = 0;
	const char *h;
	char *dec;
	unsigned acc = 0;
	int bits = 0, v;
	json_object *j;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "dk_container_archive_stat: out is NULL");
	*out = NULL;
	h = dk_stream_header(s, "X-Docker-Container-Path-Stat", &n);
	if (!h)
		return dk__err(DK_EPROTO, 0, 0, "the answer has no X-Docker-Container-Path-Stat header");
	dec = malloc(n + 1);
	if (!dec)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	for (i = 0; i < n && h[i] != '='; i++) {
		v = b64val((unsigned char)h[i]);
		if (v < 0) {
			free(dec);
			return dk__err(DK_EPROTO, 0, 0, "malformed X-Docker-Container-Path-Stat header");
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dec[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	dec[o] = '\0';
	j = json_tokener_parse(dec);
	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		free(dec);
		return dk__err(DK_EPROTO, 0, 0, "X-Docker-Container-Path-Stat is not a JSON object");
	}
	json_object_put(j);
	*out = dk__value_take(dec, o);
	if (!*out)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	return 0;
}

int dk_container_archive_put(dk_client *c, const char *id, const char *path,
	int no_overwrite_dir_non_dir, int copy_uid_gid, dk_read_fn read, void *userdata)
{
	dk_call k;
	int rc;

	if (!path || !*path)
		return dk__err(DK_EINVAL, 0, 0, "PutContainerArchive: the path is empty");
	rc = dk__call_begin(&k, c, "PUT", "PutContainerArchive", 1, "/containers/{}/archive", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "path", path)) ||
	    (rc = dk__call_query_bool(&k, "noOverwriteDirNonDir", no_overwrite_dir_non_dir)) ||
	    (copy_uid_gid >= 0 && (rc = dk__call_require(&k, "1.39", "the 'copyUIDGID' parameter"))) ||
	    (rc = dk__call_query_bool(&k, "copyUIDGID", copy_uid_gid)) ||
	    (rc = dk__call_stream_body(&k, read, userdata, "application/x-tar")))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}
