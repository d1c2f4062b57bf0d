/* The Container API: the non-streaming operations. */
#include "clibdocker/containers.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "client_int.h"
#include "containers_int.h"
#include "errors_int.h"
#include "value_int.h"

/* Docker's container name rule: /?[a-zA-Z0-9][a-zA-Z0-9_.-]+ */
static int valid_name(const char *s)
{
	size_t i, n;

	if (*s == '/')
		s++;
	n = strlen(s);
	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		            (ch >= '0' && ch <= '9');
		if (!alnum && (i == 0 || (ch != '_' && ch != '.' && ch != '-')))
			return 0;
	}
	return 1;
}

/* 1 if `json` parses as one JSON object. */
static int is_json_object(const char *json)
{
	json_tokener *tok;
	json_object *o;
	size_t len = strlen(json);
	int ok;

	tok = json_tokener_new();
	if (!tok)
		return 0;
	o = json_tokener_parse_ex(tok, json, (int)len);
	ok = o && json_tokener_get_error(tok) == json_tokener_success &&
	     json_object_is_type(o, json_type_object);
	/* nothing but white space may follow */
	if (ok) {
		size_t off = json_tokener_get_parse_end(tok);
		for (; off < len; off++)
			if (!strchr(" \t\r\n", json[off]))
				ok = 0;
	}
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

static int check_object_arg(const char *op, const char *what, const char *json)
{
	if (!json)
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is NULL", op, what);
	if (!is_json_object(json))
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is not a JSON object", op, what);
	return 0;
}

/* A container id or name as a path segment: a leading '/' (as inspect
 * shows names) is dropped; '/', "." and ".." would let the engine's router
 * rewrite the path (it decodes %2F and answers 301), so they are refused. */
static int container_ref(const char *op, const char **id)
{
	const char *s = *id;

	if (!s || !*s)
		return 0; /* dk__call_begin refuses it */
	if (*s == '/')
		s++;
	if (!*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, ".."))
		return dk__err(DK_EINVAL, 0, 0, "%s: '%s' is not a container id or name", op, *id);
	*id = s;
	return 0;
}

/* A plain POST on /containers/{id}/<verb> without parameters. */
static int simple_post(dk_client *c, const char *op, const char *path, const char *id)
{
	dk_call k;
	int rc = container_ref(op, &id);

	if (!rc)
		rc = dk__call_begin(&k, c, "POST", op, 1, path, id);
	return rc ? rc : dk__call_void(&k);
}

int dk_container_list(dk_value **out, dk_client *c, int all, int limit,
	int size, const char *filters_json)
{
	dk_call k;
	int rc;

	if (filters_json && (rc = check_object_arg("ContainerList", "filters", filters_json)))
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerList", 1, "/containers/json");
	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "all", all ? 1 : -1)) ||
	    (limit >= 0 && (rc = dk__call_query_int(&k, "limit", limit))) ||
	    (rc = dk__call_query_bool(&k, "size", size ? 1 : -1)) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_container_create(dk_value **out, dk_client *c, const char *name,
	const char *platform, const char *config_json)
{
	dk_call k;
	int rc;

	if ((rc = check_object_arg("ContainerCreate", "the container configuration", config_json)))
		return rc;
	if (name && !valid_name(name))
		return dk__err(DK_EINVAL, 0, 0,
			"ContainerCreate: invalid container name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-]+ is allowed",
			name);
	if (platform && !*platform)
		platform = NULL;
	rc = dk__call_begin(&k, c, "POST", "ContainerCreate", 1, "/containers/create");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "name", name)))
		return dk__call_abort(&k, rc);
	if (platform &&
	    ((rc = dk__call_require(&k, "1.41", "the 'platform' parameter")) ||
	     (rc = dk__call_query_str(&k, "platform", platform))))
		return dk__call_abort(&k, rc);
	dk__call_json_body(&k, config_json, strlen(config_json), 0);
	return dk__call_value(&k, out);
}

int dk_container_inspect(dk_value **out, dk_client *c, const char *id, int size)
{
	dk_call k;
	int rc = container_ref("ContainerInspect", &id);

	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerInspect", 1, "/containers/{}/json", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "size", size ? 1 : -1)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_container_top(dk_value **out, dk_client *c, const char *id, const char *ps_args)
{
	dk_call k;
	int rc = container_ref("ContainerTop", &id);

	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerTop", 1, "/containers/{}/top", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "ps_args", ps_args)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_container_changes(dk_value **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc = container_ref("ContainerChanges", &id);

	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ContainerChanges", 1, "/containers/{}/changes", id);
	return rc ? rc : dk__call_value(&k, out);
}

int dk_container_resize(dk_client *c, const char *id, int height, int width)
{
	dk_call k;
	int rc;

	if (height < 0 || width < 0)
		return dk__err(DK_EINVAL, 0, 0,
			"ContainerResize: height and width must be >= 0 (got %d x %d)", height, width);
	if ((rc = container_ref("ContainerResize", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerResize", 1, "/containers/{}/resize", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_int(&k, "h", height)) ||
	    (rc = dk__call_query_int(&k, "w", width)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_container_start(dk_client *c, const char *id, const char *detach_keys)
{
	dk_call k;
	int rc = container_ref("ContainerStart", &id);

	if (rc)
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerStart", 1, "/containers/{}/start", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "detachKeys", detach_keys)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

/* stop and restart: `t` and `signal`; the call may take the wait on top of
 * the client's total timeout. */
static int stop_like(dk_client *c, const char *op, const char *path, const char *id,
	int timeout_s, const char *signal)
{
	dk_call k;
	long wait_ms;
	int rc;

	if (signal && !*signal)
		return dk__err(DK_EINVAL, 0, 0, "%s: the signal is empty", op);
	if ((rc = container_ref(op, &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", op, 1, path, id);
	if (rc)
		return rc;
	if (timeout_s >= 0 && (rc = dk__call_query_int(&k, "t", timeout_s)))
		return dk__call_abort(&k, rc);
	if (signal &&
	    ((rc = dk__call_require(&k, "1.42", "the 'signal' parameter")) ||
	     (rc = dk__call_query_str(&k, "signal", signal))))
		return dk__call_abort(&k, rc);
	if (c->total_ms > 0) {
		wait_ms = (timeout_s >= 0 ? (long)timeout_s : 10L) * 1000L;
		k.total_ms = c->total_ms + wait_ms;
	}
	return dk__call_void(&k);
}

int dk_container_stop(dk_client *c, const char *id, int timeout_s, const char *signal)
{
	return stop_like(c, "ContainerStop", "/containers/{}/stop", id, timeout_s, signal);
}

int dk_container_restart(dk_client *c, const char *id, int timeout_s, const char *signal)
{
	return stop_like(c, "ContainerRestart", "/containers/{}/restart", id, timeout_s, signal);
}

int dk_container_kill(dk_client *c, const char *id, const char *signal)
{
	dk_call k;
	int rc;

	if (signal && !*signal)
		return dk__err(DK_EINVAL, 0, 0, "ContainerKill: the signal is empty");
	if ((rc = container_ref("ContainerKill", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerKill", 1, "/containers/{}/kill", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "signal", signal)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_container_update(dk_value **out, dk_client *c, const char *id, const char *update_json)
{
	dk_call k;
	int rc;

	if ((rc = check_object_arg("ContainerUpdate", "the update", update_json)))
		return rc;
	if ((rc = container_ref("ContainerUpdate", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerUpdate", 1, "/containers/{}/update", id);
	if (rc)
		return rc;
	dk__call_json_body(&k, update_json, strlen(update_json), 0);
	return dk__call_value(&k, out);
}

int dk_container_rename(dk_client *c, const char *id, const char *name)
{
	dk_call k;
	int rc;

	if (!name || !valid_name(name))
		return dk__err(DK_EINVAL, 0, 0,
			"ContainerRename: invalid container name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-]+ is allowed",
			name ? name : "(null)");
	if ((rc = container_ref("ContainerRename", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerRename", 1, "/containers/{}/rename", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "name", name)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_container_pause(dk_client *c, const char *id)
{
	return simple_post(c, "ContainerPause", "/containers/{}/pause", id);
}

int dk_container_unpause(dk_client *c, const char *id)
{
	return simple_post(c, "ContainerUnpause", "/containers/{}/unpause", id);
}

int dk_container_wait(dk_value **out, dk_client *c, const char *id,
	const char *condition, long timeout_ms)
{
	dk_call k;
	int rc;

	if (condition && strcmp(condition, "not-running") && strcmp(condition, "next-exit") &&
	    strcmp(condition, "removed"))
		return dk__err(DK_EINVAL, 0, 0,
			"ContainerWait: condition must be 'not-running', 'next-exit' or 'removed', not '%s'",
			condition);
	if ((rc = container_ref("ContainerWait", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerWait", 1, "/containers/{}/wait", id);
	if (rc)
		return rc;
	if (condition &&
	    ((rc = dk__call_require(&k, "1.30", "the 'condition' parameter")) ||
	     (rc = dk__call_query_str(&k, "condition", condition))))
		return dk__call_abort(&k, rc);
	k.total_ms = timeout_ms >= 0 ? timeout_ms : -1;
	return dk__call_value(&k, out);
}

int dk_container_delete(dk_client *c, const char *id, int volumes, int force, int link)
{
	dk_call k;
	char parent[256];
	const char *s, *slash, *p1, *p2;
	int rc;

	if (link) {
		/* "/parent/alias": the engine routes it with a literal '/', so the
		 * two names are escaped one by one around it */
		s = id && *id == '/' ? id + 1 : id;
		slash = s ? strchr(s, '/') : NULL;
		if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') ||
		    (size_t)(slash - s) >= sizeof(parent))
			return dk__err(DK_EINVAL, 0, 0,
				"ContainerDelete: a link is named '/container/alias', not '%s'",
				id ? id : "(null)");
		memcpy(parent, s, (size_t)(slash - s));
		parent[slash - s] = '\0';
		p1 = parent;
		p2 = slash + 1;
		if ((rc = container_ref("ContainerDelete", &p1)) ||
		    (rc = container_ref("ContainerDelete", &p2)))
			return rc;
		rc = dk__call_begin(&k, c, "DELETE", "ContainerDelete", 1, "/containers/{}/{}",
			p1, p2);
	} else {
		if ((rc = container_ref("ContainerDelete", &id)))
			return rc;
		rc = dk__call_begin(&k, c, "DELETE", "ContainerDelete", 1, "/containers/{}", id);
	}
	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "v", volumes ? 1 : -1)) ||
	    (rc = dk__call_query_bool(&k, "force", force ? 1 : -1)) ||
	    (rc = dk__call_query_bool(&k, "link", link ? 1 : -1)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

/* Standard base64 (RFC 4648, padding optional); returns a malloc'd,
 * NUL-terminated buffer or NULL if `in` is not base64. */
static char *b64_decode(const char *in, size_t n, size_t *outlen)
{
	char *o = malloc(n / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0;
	size_t i, len = 0;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		int v;
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= 'a' && ch <= 'z')
			v = ch - 'a' + 26;
		else if (ch >= '0' && ch <= '9')
			v = ch - '0' + 52;
		else if (ch == '+')
			v = 62;
		else if (ch == '/')
			v = 63;
		else if (ch == '=')
			break;
		else
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[len++] = (char)((acc >> bits) & 0xff);
		}
	}
	for (; i < n; i++)
		if (in[i] != '=')
			goto bad;
	o[len] = '\0';
	*outlen = len;
	return o;
bad:
	free(o);
	return NULL;
}

char *dk__archive_stat_decode(const char *h, size_t n, size_t *len)
{
	char *json = b64_decode(h, n, len);

	/* a NUL byte inside would hide what follows it from is_json_object */
	if (json && (strlen(json) != *len || !is_json_object(json))) {
		free(json);
		return NULL;
	}
	return json;
}

int dk_container_archive_info(dk_value **out, dk_client *c, const char *id, const char *path)
{
	dk_call k;
	const char *h;
	char *json;
	size_t n = 0, jlen = 0;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "ContainerArchiveInfo: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return dk__err(DK_EINVAL, 0, 0, "ContainerArchiveInfo: the path is empty");
	if ((rc = container_ref("ContainerArchiveInfo", &id)))
		return rc;
	rc = dk__call_begin(&k, c, "HEAD", "ContainerArchiveInfo", 1, "/containers/{}/archive", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "path", path)))
		return dk__call_abort(&k, rc);
	k.want_headers = 1;
	rc = dk__call_perform(&k);
	if (rc == DK_ENOTFOUND && !k.resp.len)
		rc = dk__err(DK_ENOTFOUND, (int)k.status, 0,
			"ContainerArchiveInfo: no such container, or no such path in it: %s:%s", id, path);
	else if (rc == DK_EAPI && !k.resp.len)
		rc = dk__err(DK_EAPI, (int)k.status, 0,
			"ContainerArchiveInfo: the engine refused %s:%s (HTTP %ld)", id, path, k.status);
	if (rc == 0) {
		h = dk__find_header(&k.resp_headers, "X-Docker-Container-Path-Stat", &n);
		json = h ? dk__archive_stat_decode(h, n, &jlen) : NULL;
		if (!json) {
			rc = dk__err(DK_EPROTO, (int)k.status, 0,
				"ContainerArchiveInfo: %s X-Docker-Container-Path-Stat header",
				h ? "malformed" : "no");
		} else {
			*out = dk__value_take(json, jlen);
			if (!*out)
				rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		}
	}
	return dk__call_finish(&k, rc);
}

int dk_container_prune(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc;

	if (filters_json && (rc = check_object_arg("ContainerPrune", "filters", filters_json)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "ContainerPrune", 1, "/containers/prune");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}
