/* The Volume API: list, create, inspect, update, delete, prune. */
#include "clibdocker/volumes.h"

#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "client_int.h"
#include "errors_int.h"

int dk_volume_list(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "VolumeList", 1, "/volumes");

	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_volume_create(dk_value **out, dk_client *c, const char *config_json)
{
	dk_call k;
	int rc;

	if (!config_json)
		return dk__err(DK_EINVAL, 0, 0, "VolumeCreate: the volume configuration is NULL");
	rc = dk__call_begin(&k, c, "POST", "VolumeCreate", 1, "/volumes/create");
	if (rc)
		return rc;
	dk__call_json_body(&k, config_json, strlen(config_json), 0);
	return dk__call_value(&k, out);
}

int dk_volume_inspect(dk_value **out, dk_client *c, const char *name)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "VolumeInspect", 1, "/volumes/{}", name);

	return rc ? rc : dk__call_value(&k, out);
}

int dk_volume_update(dk_client *c, const char *name, const char *spec_json, int64_t version)
{
	dk_call k;
	json_object *spec, *o;
	const char *s;
	enum json_tokener_error jerr;
	int rc;

	rc = dk__call_begin(&k, c, "PUT", "VolumeUpdate", 1, "/volumes/{}", name);
	if (rc)
		return rc;
	if ((rc = dk__call_require(&k, "1.42", "updating a (cluster) volume")))
		return dk__call_abort(&k, rc);
	if (version < 0)
		return dk__call_abort(&k, dk__err(DK_EINVAL, 0, 0,
			"VolumeUpdate: the volume's version is required (>= 0)"));
	spec = spec_json ? json_tokener_parse_verbose(spec_json, &jerr) : NULL;
	if (!spec || !json_object_is_type(spec, json_type_object)) {
		json_object_put(spec);
		return dk__call_abort(&k, dk__err(DK_EINVAL, 0, 0,
			"VolumeUpdate: the cluster volume spec is not a JSON object"));
	}
	if ((rc = dk__call_query_int(&k, "version", version))) {
		json_object_put(spec);
		return dk__call_abort(&k, rc);
	}
	o = json_object_new_object();
	if (o)
		json_object_object_add(o, "Spec", spec);
	else
		json_object_put(spec);
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
	if (!s || dkbuf_puts(&k.body_owned, s)) {
		json_object_put(o);
		return dk__call_abort(&k, dk__err(DK_ENOMEM, 0, 0, "out of memory"));
	}
	json_object_put(o);
	dk__call_json_body(&k, k.body_owned.ptr, k.body_owned.len, 0);
	return dk__call_void(&k);
}

int dk_volume_delete(dk_client *c, const char *name, int force)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "VolumeDelete", 1, "/volumes/{}", name);

	if (rc)
		return rc;
	if (force && (rc = dk__call_query_bool(&k, "force", 1)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

/* Does the filters JSON name the filter `key`? (Unparsable JSON: no; the
 * daemon reports it.) */
static int has_filter(const char *filters_json, const char *key)
{
	json_object *f, *v;
	int found;

	if (!filters_json)
		return 0;
	f = json_tokener_parse(filters_json);
	found = f && json_object_is_type(f, json_type_object) &&
		json_object_object_get_ex(f, key, &v);
	json_object_put(f);
	return found;
}

int dk_volume_prune(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "VolumePrune", 1, "/volumes/prune");

	if (rc)
		return rc;
	if (has_filter(filters_json, "all") &&
	    (rc = dk__call_require(&k, "1.42", "the 'all' filter")))
		return dk__call_abort(&k, rc);
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}
