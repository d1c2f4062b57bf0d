/* The Swarm API (init, join, leave, update, inspect, unlock key, unlock) and
 * the Node API (list, inspect, delete, update). */
#include "clibdocker/swarm.h"

#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "client_int.h"
#include "errors_int.h"
#include "swarm_int.h"

/* --- helpers shared with services.c and secrets.c ------------------------ */

int dk__json_object_arg(const char *op, const char *what, const char *json,
	json_object **parsed)
{
	json_tokener *tok;
	json_object *o;
	size_t len, off;
	int ok;

	if (parsed)
		*parsed = NULL;
	if (!json)
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is NULL", op, what);
	len = strlen(json);
	tok = json_tokener_new();
	if (!tok)
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	o = json_tokener_parse_ex(tok, json, (int)len);
	ok = o && json_tokener_get_error(tok) == json_tokener_success &&
	     json_object_is_type(o, json_type_object);
	if (ok) {
		/* nothing but white space may follow */
		for (off = json_tokener_get_parse_end(tok); off < len; off++)
			if (!strchr(" \t\r\n", json[off]))
				ok = 0;
	}
	json_tokener_free(tok);
	if (!ok) {
		json_object_put(o);
		return dk__err(DK_EINVAL, 0, 0, "%s: %s is not a JSON object", op, what);
	}
	if (parsed)
		*parsed = o;
	else
		json_object_put(o);
	return 0;
}

int dk__swarm_update_object(dk_client *c, const char *op, const char *path,
	const char *id, int64_t version, const char *spec_json, int secret)
{
	dk_call k;
	int rc;

	if (version < 0)
		return dk__err(DK_EINVAL, 0, 0,
			"%s: the object's version is required (>= 0)", op);
	if ((rc = dk__json_object_arg(op, "the spec", spec_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", op, 1, path, id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_int(&k, "version", version)))
		return dk__call_abort(&k, rc);
	dk__call_json_body(&k, spec_json, strlen(spec_json), secret);
	return dk__call_void(&k);
}

int dk__swarm_list(dk_value **out, dk_client *c, const char *op, const char *path,
	const char *filters_json)
{
	dk_call k;
	int rc;

	if (filters_json && (rc = dk__json_object_arg(op, "filters", filters_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "GET", op, 1, path);
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

/* --- Swarm ---------------------------------------------------------------- */

int dk_swarm_init(dk_value **out, dk_client *c, const char *request_json)
{
	dk_call k;
	int rc;

	if ((rc = dk__json_object_arg("SwarmInit", "the init request", request_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "SwarmInit", 1, "/swarm/init");
	if (rc)
		return rc;
	dk__call_json_body(&k, request_json, strlen(request_json), 1);
	return dk__call_value(&k, out);
}

int dk_swarm_join(dk_client *c, const char *request_json)
{
	dk_call k;
	int rc;

	if ((rc = dk__json_object_arg("SwarmJoin", "the join request", request_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "SwarmJoin", 1, "/swarm/join");
	if (rc)
		return rc;
	dk__call_json_body(&k, request_json, strlen(request_json), 1);
	return dk__call_void(&k);
}

int dk_swarm_leave(dk_client *c, int force)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "SwarmLeave", 1, "/swarm/leave");

	if (rc)
		return rc;
	if (force && (rc = dk__call_query_bool(&k, "force", 1)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_swarm_update(dk_client *c, const char *spec_json, int64_t version,
	int rotate_worker_token, int rotate_manager_token, int rotate_manager_unlock_key)
{
	dk_call k;
	int rc;

	if (version < 0)
		return dk__err(DK_EINVAL, 0, 0,
			"SwarmUpdate: the swarm's version is required (>= 0)");
	if ((rc = dk__json_object_arg("SwarmUpdate", "the swarm spec", spec_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", "SwarmUpdate", 1, "/swarm/update");
	if (rc)
		return rc;
	if ((rc = dk__call_query_int(&k, "version", version)) ||
	    (rc = dk__call_query_bool(&k, "rotateWorkerToken", rotate_worker_token ? 1 : -1)) ||
	    (rc = dk__call_query_bool(&k, "rotateManagerToken", rotate_manager_token ? 1 : -1)) ||
	    (rc = dk__call_query_bool(&k, "rotateManagerUnlockKey",
			rotate_manager_unlock_key ? 1 : -1)))
		return dk__call_abort(&k, rc);
	dk__call_json_body(&k, spec_json, strlen(spec_json), 1);
	return dk__call_void(&k);
}

int dk_swarm_inspect(dk_value **out, dk_client *c)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "SwarmInspect", 1, "/swarm");

	if (rc)
		return rc;
	k.redact_response = 1; /* JoinTokens */
	return dk__call_value(&k, out);
}

int dk_swarm_unlockkey(dk_value **out, dk_client *c)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "SwarmUnlockkey", 1, "/swarm/unlockkey");

	if (rc)
		return rc;
	k.redact_response = 1;
	return dk__call_value(&k, out);
}

int dk_swarm_unlock(dk_client *c, const char *key)
{
	dk_call k;
	json_object *o;
	const char *s;
	int rc;

	/* "" is sent: the daemon answers it (an unlocked swarm: "swarm is not
	 * locked"), as it does for docker-py, which passes get_unlock_key()'s
	 * empty key of a swarm without autolock straight back */
	if (!key)
		return dk__err(DK_EINVAL, 0, 0, "SwarmUnlock: no unlock key");
	rc = dk__call_begin(&k, c, "POST", "SwarmUnlock", 1, "/swarm/unlock");
	if (rc)
		return rc;
	o = json_object_new_object();
	if (o)
		json_object_object_add(o, "UnlockKey", json_object_new_string(key));
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
	if (!s || dkbuf_puts(&k.body_owned, s)) {
		json_object_put(o);
		return dk__call_abort(&k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	}
	json_object_put(o);
	dk__call_json_body(&k, k.body_owned.ptr, k.body_owned.len, 1);
	rc = dk__call_void(&k);
	return rc;
}

/* --- Nodes ---------------------------------------------------------------- */

int dk_node_list(dk_value **out, dk_client *c, const char *filters_json)
{
	return dk__swarm_list(out, c, "NodeList", "/nodes", filters_json);
}

int dk_node_inspect(dk_value **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "NodeInspect", 1, "/nodes/{}", id);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_node_delete(dk_client *c, const char *id, int force)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "NodeDelete", 1, "/nodes/{}", id);

	if (rc)
		return rc;
	if (force && (rc = dk__call_query_bool(&k, "force", 1)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_node_update(dk_client *c, const char *id, int64_t version, const char *spec_json)
{
	return dk__swarm_update_object(c, "NodeUpdate", "/nodes/{}/update", id, version,
		spec_json, 0);
}
