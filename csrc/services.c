/* The Service API (list, create, inspect, delete, update) and the Task API
 * (list, inspect). ServiceLogs/TaskLogs live with the log streams
 * (container_io.c). */
#include "clibdocker/services.h"

#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "auth_int.h"
#include "client_int.h"
#include "errors_int.h"
#include "swarm_int.h"

/* ServiceSpec members newer than the oldest API we speak (1.41). A path is
 * a list of member names; "[]" descends into every element of an array. */
static const struct spec_gate {
	const char *path[6];
	const char *since;
	const char *what;
} service_gates[] = {
	{ { "TaskTemplate", "ContainerSpec", "Privileges", "Seccomp" }, "1.44",
	  "ContainerSpec.Privileges.Seccomp" },
	{ { "TaskTemplate", "ContainerSpec", "Privileges", "AppArmor" }, "1.44",
	  "ContainerSpec.Privileges.AppArmor" },
	{ { "TaskTemplate", "ContainerSpec", "OomScoreAdj" }, "1.46",
	  "ContainerSpec.OomScoreAdj" },
	{ { "TaskTemplate", "ContainerSpec", "Mounts", "[]", "TmpfsOptions", "Options" }, "1.46",
	  "ContainerSpec.Mounts[].TmpfsOptions.Options" },
	{ { "TaskTemplate", "Resources", "Limits", "SwapBytes" }, "1.52",
	  "Resources.Limits.SwapBytes" },
	{ { "TaskTemplate", "Resources", "Limits", "MemorySwappiness" }, "1.52",
	  "Resources.Limits.MemorySwappiness" },
	{ { "TaskTemplate", "Resources", "Reservations", "SwapBytes" }, "1.52",
	  "Resources.Reservations.SwapBytes" },
	{ { "TaskTemplate", "Resources", "Reservations", "MemorySwappiness" }, "1.52",
	  "Resources.Reservations.MemorySwappiness" },
};

/* 1 if the member at path[i..] exists (and is not null) under o. */
static int has_path(json_object *o, const char *const *path, int i)
{
	json_object *v;
	size_t j, n;

	if (i >= 6 || !path[i])
		return o && !json_object_is_type(o, json_type_null);
	if (!strcmp(path[i], "[]")) {
		if (!json_object_is_type(o, json_type_array))
			return 0;
		n = json_object_array_length(o);
		for (j = 0; j < n; j++)
			if (has_path(json_object_array_get_idx(o, j), path, i + 1))
				return 1;
		return 0;
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, path[i], &v))
		return 0;
	return has_path(v, path, i + 1);
}

static int check_spec_gates(dk_call *k, json_object *spec)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(service_gates) / sizeof(service_gates[0]); i++)
		if (has_path(spec, service_gates[i].path, 0) &&
		    (rc = dk__call_require(k, service_gates[i].since, service_gates[i].what)))
			return rc;
	return 0;
}

static int auth_header(dk_call *k, const char *json)
{
	dkbuf b = DKBUF_INIT;
	int rc;

	if (dk__b64url(&b, json, strlen(json))) {
		dkbuf_dispose(&b);
		return dk__err(DK_ENOMEM, 0, 0, "out of memory");
	}
	rc = dk__call_header(k, "X-Registry-Auth", b.ptr, 1);
	memset(b.ptr, 0, b.len);
	dkbuf_dispose(&b);
	return rc;
}

int dk_service_list(dk_value **out, dk_client *c, const char *filters_json, int status)
{
	dk_call k;
	int rc;

	if (filters_json &&
	    (rc = dk__json_object_arg("ServiceList", "filters", filters_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "GET", "ServiceList", 1, "/services");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)) ||
	    (status >= 0 &&
	     ((rc = dk__call_require(&k, "1.41", "the 'status' parameter")) ||
	      (rc = dk__call_query_bool(&k, "status", status ? 1 : 0)))))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

/* The spec checks and the body shared by create and update. */
static int service_body(dk_call *k, const char *spec_json, const char *auth_json)
{
	json_object *spec;
	int rc;

	if ((rc = dk__json_object_arg(k->op, "the service spec", spec_json, &spec)))
		return rc;
	rc = check_spec_gates(k, spec);
	json_object_put(spec);
	if (rc)
		return rc;
	if (auth_json && (rc = auth_header(k, auth_json)))
		return rc;
	return dk__call_json_body(k, spec_json, strlen(spec_json), 0);
}

int dk_service_create(dk_value **out, dk_client *c, const char *spec_json,
	const char *auth_json)
{
	dk_call k;
	int rc;

	rc = dk__call_begin(&k, c, "POST", "ServiceCreate", 1, "/services/create");
	if (rc)
		return rc;
	if ((rc = service_body(&k, spec_json, auth_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_service_inspect(dk_value **out, dk_client *c, const char *id, int insert_defaults)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "ServiceInspect", 1, "/services/{}", id);

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "insertDefaults",
			insert_defaults < 0 ? -1 : insert_defaults ? 1 : 0)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_service_delete(dk_client *c, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "ServiceDelete", 1, "/services/{}", id);

	return rc ? rc : dk__call_void(&k);
}

int dk_service_update(dk_value **out, dk_client *c, const char *id,
	int64_t version, const char *spec_json, const char *registry_auth_from,
	const char *rollback, const char *auth_json)
{
	dk_call k;
	int rc;

	if (version < 0)
		return dk__err(DK_EINVAL, 0, 0,
			"ServiceUpdate: the service's version is required (>= 0)");
	if (registry_auth_from && strcmp(registry_auth_from, "spec") &&
	    strcmp(registry_auth_from, "previous-spec"))
		return dk__err(DK_EINVAL, 0, 0,
			"ServiceUpdate: registryAuthFrom must be 'spec' or 'previous-spec', not '%s'",
			registry_auth_from);
	if (rollback && strcmp(rollback, "previous"))
		return dk__err(DK_EINVAL, 0, 0,
			"ServiceUpdate: rollback must be 'previous', not '%s'", rollback);
	rc = dk__call_begin(&k, c, "POST", "ServiceUpdate", 1, "/services/{}/update", id);
	if (rc)
		return rc;
	if ((rc = dk__call_query_int(&k, "version", version)) ||
	    (rc = dk__call_query_str(&k, "registryAuthFrom", registry_auth_from)) ||
	    (rc = dk__call_query_str(&k, "rollback", rollback)) ||
	    (rc = service_body(&k, spec_json, auth_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

/* --- Tasks ---------------------------------------------------------------- */

int dk_task_list(dk_value **out, dk_client *c, const char *filters_json)
{
	return dk__swarm_list(out, c, "TaskList", "/tasks", filters_json);
}

int dk_task_inspect(dk_value **out, dk_client *c, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "TaskInspect", 1, "/tasks/{}", id);

	return rc ? rc : dk__call_value(&k, out);
}
