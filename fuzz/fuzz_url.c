/* libFuzzer target: URL building with escaped path and query parameters.
 * Property: whatever bytes a path parameter or query value holds, the URL
 * keeps the template's route (same number of '/' in the path, no '?' or '#'
 * before the query) and holds only unreserved bytes and %XX escapes in the
 * parameter parts. Only an empty id, "." and ".." are refused. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clibdocker/clibdocker.h"
#include "client_int.h"

static dk_client *g_client;

static int unreserved_or_escape(const char *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			continue;
		if (c == '%' && i + 2 < n && isxdigit((unsigned char)p[i + 1]) &&
		    isxdigit((unsigned char)p[i + 2])) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dk_call k;
	char *id, *val;
	const char *q, *path;
	size_t cut, slashes = 0, i;
	int rc;

	if (!g_client) {
		if (dk_client_new(&g_client, "unix:///nonexistent.sock") ||
		    dk_client_set_api_version(g_client, "1.41"))
			abort();
	}
	if (size < 1)
		return 0;
	cut = data[0] % size;
	id = malloc(cut + 1);
	val = malloc(size - cut + 1);
	memcpy(id, data + 1, cut ? cut - 1 : 0);
	id[cut ? cut - 1 : 0] = '\0';
	memcpy(val, data + cut, size - cut);
	val[size - cut] = '\0';

	rc = dk__call_begin(&k, g_client, "GET", "Fuzz", 1, "/containers/{}/logs", id);
	if (rc == 0) {
		if (dk__call_query_str(&k, "filters", val) || dk__call_query_bool(&k, "follow", 1))
			abort();
		path = k.url.ptr + strlen("http://localhost");
		q = strchr(path, '?');
		if (!q || strchr(path, '#'))
			abort();
		for (i = 0; path + i < q; i++)
			slashes += path[i] == '/';
		if (slashes != 4) /* /v1.41/containers/ID/logs */
			abort();
		{
			const char *idp = path + strlen("/v1.41/containers/");
			const char *ide = strstr(idp, "/logs?");
			if (!ide || !unreserved_or_escape(idp, (size_t)(ide - idp)))
				abort();
		}
		if (strncmp(q, "?filters=", 9))
			abort();
		{
			const char *v = q + 9, *e = strstr(v, "&follow=1");
			if (!e || e[9] != '\0' || !unreserved_or_escape(v, (size_t)(e - v)))
				abort();
		}
		dk__call_abort(&k, 0);
	} else if (id[0] != '\0' && strcmp(id, ".") && strcmp(id, "..")) {
		abort(); /* only an empty id or a dot segment may be refused */
	}
	{
		/* ssh:// hosts: whatever is accepted is a plain [user@]host[:port]
		 * (nothing ssh could read as an option, no path); never spawns */
		char *u = malloc(strlen(val) + 7);
		dk_client *sc = NULL;

		memcpy(u, "ssh://", 6);
		strcpy(u + 6, val);
		if (dk_client_new(&sc, u) == 0) {
			const char *n = dk_client_url(sc) + 6, *at = strchr(n, '@');
			const char *h = at ? at + 1 : n;

			if (strncmp(dk_client_url(sc), "ssh://", 6) || n[0] == '-' || h[0] == '-' ||
			    strpbrk(n, "/?# \t\r\n'\"\\;$`") || (at && strchr(h, '@')))
				abort();
			dk_client_free(sc);
		}
		free(u);
	}
	free(id);
	free(val);
	return 0;
}
