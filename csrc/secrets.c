/* The Secret API and the Config API: list, create, inspect, delete, update.
 * Create and update bodies carry the base64 content in "Data": they are
 * traced redacted. */
#include "clibdocker/secrets.h"

#include <string.h>

#include "clibdocker/errors.h"
#include "client_int.h"
#include "errors_int.h"
#include "swarm_int.h"

static int create_object(dk_value **out, dk_client *c, const char *op, const char *path,
	const char *spec_json)
{
	dk_call k;
	int rc;

	if ((rc = dk__json_object_arg(op, "the spec", spec_json, NULL)))
		return rc;
	rc = dk__call_begin(&k, c, "POST", op, 1, path);
	if (rc)
		return rc;
	dk__call_json_body(&k, spec_json, strlen(spec_json), 1);
	return dk__call_value(&k, out);
}

static int inspect_object(dk_value **out, dk_client *c, const char *op, const char *path,
	const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", op, 1, path, id);

	return rc ? rc : dk__call_value(&k, out);
}

static int delete_object(dk_client *c, const char *op, const char *path, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", op, 1, path, id);

	return rc ? rc : dk__call_void(&k);
}

/* --- Secrets -------------------------------------------------------------- */

int dk_secret_list(dk_value **out, dk_client *c, const char *filters_json)
{
	return dk__swarm_list(out, c, "SecretList", "/secrets", filters_json);
}

int dk_secret_create(dk_value **out, dk_client *c, const char *spec_json)
{
	return create_object(out, c, "SecretCreate", "/secrets/create", spec_json);
}

int dk_secret_inspect(dk_value **out, dk_client *c, const char *id)
{
	return inspect_object(out, c, "SecretInspect", "/secrets/{}", id);
}

int dk_secret_delete(dk_client *c, const char *id)
{
	return delete_object(c, "SecretDelete", "/secrets/{}", id);
}

int dk_secret_update(dk_client *c, const char *id, int64_t version, const char *spec_json)
{
	return dk__swarm_update_object(c, "SecretUpdate", "/secrets/{}/update", id, version,
		spec_json, 1);
}

/* --- Configs -------------------------------------------------------------- */

int dk_config_list(dk_value **out, dk_client *c, const char *filters_json)
{
	return dk__swarm_list(out, c, "ConfigList", "/configs", filters_json);
}

int dk_config_create(dk_value **out, dk_client *c, const char *spec_json)
{
	return create_object(out, c, "ConfigCreate", "/configs/create", spec_json);
}

int dk_config_inspect(dk_value **out, dk_client *c, const char *id)
{
	return inspect_object(out, c, "ConfigInspect", "/configs/{}", id);
}

int dk_config_delete(dk_client *c, const char *id)
{
	return delete_object(c, "ConfigDelete", "/configs/{}", id);
}

int dk_config_update(dk_client *c, const char *id, int64_t version, const char *spec_json)
{
	return dk__swarm_update_object(c, "ConfigUpdate", "/configs/{}/update", id, version,
		spec_json, 1);
}
