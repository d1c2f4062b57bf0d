/* The System API: ping, version, info, df, auth, events. */
#include "clibdocker/system.h"

#include <string.h>

#include <json-c/json.h>

#include "clibdocker/errors.h"
#include "clibdocker/stream.h"
#include "client_int.h"
#include "errors_int.h"
#include "stream_int.h"
#include "value_int.h"

int dk_system_ping(dk_client *c)
{
	dk_call k;
	/* Before negotiation, one unversioned /_ping both answers and negotiates
	 * (instead of a negotiating ping followed by this one). */
	int learn = c && !dk__client_version_known(c);
	int rc = dk__call_begin(&k, c, "GET", "SystemPing", !learn, "/_ping");

	if (rc)
		return rc;
	k.want_headers = learn;
	rc = dk__call_perform(&k);
	if (rc == 0 && learn)
		dk__client_learn_version(c, &k.resp_headers);
	if (rc == 0 && !(k.resp.len == 2 && !memcmp(k.resp.ptr, "OK", 2)))
		rc = dk__err(DK_EPROTO, (int)k.status, 0, "SystemPing: unexpected answer to /_ping");
	return dk__call_finish(&k, rc);
}

int dk_system_ping_head(dk_value **out, dk_client *c)
{
	static const char *const names[] = {
		"Api-Version", "Docker-Experimental", "OSType", "Builder-Version",
		"Swarm", "Cache-Control", "Pragma", "Server"
	};
	dk_call k;
	json_object *o = NULL;
	const char *v, *s;
	size_t i, n;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "SystemPingHead: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "HEAD", "SystemPingHead", 1, "/_ping");
	if (rc)
		return rc;
	k.want_headers = 1;
	rc = dk__call_perform(&k);
	if (rc == 0) {
		o = json_object_new_object();
		for (i = 0; o && i < sizeof(names) / sizeof(names[0]); i++) {
			v = dk__find_header(&k.resp_headers, names[i], &n);
			if (v)
				json_object_object_add(o, names[i], json_object_new_string_len(v, (int)n));
		}
		s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
		*out = s ? dk__value_take(strdup(s), strlen(s)) : NULL;
		if (!*out)
			rc = dk__err(DK_ENOMEM, 0, 0, "out of memory");
		json_object_put(o);
	}
	return dk__call_finish(&k, rc);
}

int dk_system_version(dk_value **out, dk_client *c, int versioned)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "SystemVersion", versioned ? 1 : 0, "/version");

	return rc ? rc : dk__call_value(&k, out);
}

int dk_system_info(dk_value **out, dk_client *c)
{
	dk_call k;
	int rc = dk__call_begin(&k, c, "GET", "SystemInfo", 1, "/info");

	return rc ? rc : dk__call_value(&k, out);
}

int dk_system_df(dk_value **out, dk_client *c, const char *types)
{
	dk_call k;
	int rc;
	const char *p, *e;

	rc = dk__call_begin(&k, c, "GET", "SystemDataUsage", 1, "/system/df");
	if (rc)
		return rc;
	if (types) {
		rc = dk__call_require(&k, "1.42", "the 'type' parameter");
		if (rc)
			return dk__call_abort(&k, rc);
		/* the API takes `type` repeated, one value per object type */
		for (p = types; *p; p = *e ? e + 1 : e) {
			char one[32];
			e = strchr(p, ',');
			if (!e)
				e = p + strlen(p);
			if ((size_t)(e - p) == 0 || (size_t)(e - p) >= sizeof(one))
				return dk__call_abort(&k, dk__err(DK_EINVAL, 0, 0,
					"SystemDataUsage: bad object type list '%s'", types));
			memcpy(one, p, (size_t)(e - p));
			one[e - p] = '\0';
			rc = dk__call_query_str(&k, "type", one);
			if (rc)
				return dk__call_abort(&k, rc);
		}
	}
	return dk__call_value(&k, out);
}

int dk_system_auth(dk_value **out, dk_client *c, const char *auth_json)
{
	dk_call k;
	int rc;

	if (!auth_json)
		return dk__err(DK_EINVAL, 0, 0, "SystemAuth: the auth configuration is NULL");
	rc = dk__call_begin(&k, c, "POST", "SystemAuth", 1, "/auth");
	if (rc)
		return rc;
	dk__call_json_body(&k, auth_json, strlen(auth_json), 1);
	return dk__call_value(&k, out);
}

int dk_system_events(dk_stream **out, dk_client *c, const char *since,
	const char *until, const char *filters_json)
{
	dk_call k;
	int rc;

	if (!out)
		return dk__err(DK_EINVAL, 0, 0, "SystemEvents: out is NULL");
	*out = NULL;
	rc = dk__call_begin(&k, c, "GET", "SystemEvents", 1, "/events");
	if (rc)
		return rc;
	if ((rc = dk__call_query_str(&k, "since", since)) ||
	    (rc = dk__call_query_str(&k, "until", until)) ||
	    (rc = dk__call_query_str(&k, "filters", filters_json)))
		return dk__call_abort(&k, rc);
	return dk__stream_open(out, &k, DK_STREAM_JSON);
}
