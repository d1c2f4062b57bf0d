/* The Network API: list, inspect, delete, create, connect, disconnect, prune. */
#include "clibdocker/networks.h"

#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "client_int.h"
#include "errors_int.h"

int dk_network_list(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "NetworkList", 1, "/networks");

	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_network_inspect(dk_value **out, dk_client *c, const char *id, int verbose,
	const char *scope)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "NetworkInspect", 1, "/networks/{}", id);

	if (rc)
		return rc;
	if ((rc = dk__call_query_bool(&k, "verbose", verbose)) ||
	    (rc = dk__call_query_str(&k, "scope", scope)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}

int dk_network_delete(dk_client *c, const char *id)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "DELETE", "NetworkDelete", 1, "/networks/{}", id);

	return rc ? rc : dk__call_void(&k);
}

int dk_network_create(dk_value **out, dk_client *c, const char *config_json)
{
	dk_call k;
	int rc;

	if (!config_json)
		return dk__err(DK_EINVAL, 0, 0, "NetworkCreate: the network configuration is NULL");
	rc = dk__call_begin(&k, c, "POST", "NetworkCreate", 1, "/networks/create");
	if (rc)
		return rc;
	dk__call_json_body(&k, config_json, strlen(config_json), 0);
	return dk__call_value(&k, out);
}

/* Serialize `o` (consumed) into the call's owned body. */
static int set_body(dk_call *k, json_object *o)
{
	const char *s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
	int rc = 0;

	if (!s || dkbuf_puts(&k->body_owned, s))
		rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
	else
		dk__call_json_body(k, k->body_owned.ptr, k->body_owned.len, 0);
	json_object_put(o);
	return rc;
}

int dk_network_connect(dk_client *c, const char *id, const char *container,
	const char *endpoint_json)
{
	dk_call k;
	json_object *o, *ep = NULL;
	int rc;

	if (!container || !*container)
		return dk__err(DK_EINVAL, 0, 0, "NetworkConnect: the container is empty");
	if (endpoint_json) {
		enum json_tokener_error jerr;
		ep = json_tokener_parse_verbose(endpoint_json, &jerr);
		if (!ep || !json_object_is_type(ep, json_type_object)) {
			json_object_put(ep);
			return dk__err(DK_EINVAL, 0, 0,
				"NetworkConnect: the endpoint configuration is not a JSON object");
		}
	}
	rc = dk__call_begin(&k, c, "POST", "NetworkConnect", 1, "/networks/{}/connect", id);
	if (rc) {
		json_object_put(ep);
		return rc;
	}
	o = json_object_new_object();
	if (o) {
		json_object_object_add(o, "Container", json_object_new_string(container));
		if (ep)
			json_object_object_add(o, "EndpointConfig", ep);
	} else {
		json_object_put(ep);
	}
	if ((rc = set_body(&k, o)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_network_disconnect(dk_client *c, const char *id, const char *container, int force)
{
	dk_call k;
	json_object *o;
	int rc;

	if (!container || !*container)
		return dk__err(DK_EINVAL, 0, 0, "NetworkDisconnect: the container is empty");
	rc = dk__call_begin(&k, c, "POST", "NetworkDisconnect", 1, "/networks/{}/disconnect", id);
	if (rc)
		return rc;
	o = json_object_new_object();
	if (o) {
		json_object_object_add(o, "Container", json_object_new_string(container));
		if (force)
			json_object_object_add(o, "Force", json_object_new_boolean(1));
	}
	if ((rc = set_body(&k, o)))
		return dk__call_abort(&k, rc);
	return dk__call_void(&k);
}

int dk_network_prune(dk_value **out, dk_client *c, const char *filters_json)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "POST", "NetworkPrune", 1, "/networks/prune");

	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__call_value(&k, out);
}
