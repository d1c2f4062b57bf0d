/* URL building: escaped path parameters and typed query parameters. */
#include "dktest.h"

#include "clibdocker/clibdocker.h"
#include "client_int.h"
#include "ssh_int.h"

int main(void)
{
	dk_client *c = NULL;
	dk_call k;

	CHECK_RC(dk_client_new(&c, "unix:///tmp/nonexistent.sock"));
	CHECK(!strcmp(dk_client_url(c), "unix:///tmp/nonexistent.sock"));
	CHECK_RC(dk_client_set_api_version(c, "1.41"));

	CHECK_RC(dk__call_begin(&k, c, "GET", "Test", 1, "/containers/{}/json", "../../x"));
	CHECK(!strcmp(k.url.ptr, "http://localhost/v1.41/containers/..%2F..%2Fx/json"));
	dk__call_abort(&k, 0);

	CHECK_RC(dk__call_begin(&k, c, "GET", "Test", 1, "/containers/{}/logs", "a b?c#d%e/f"));
	CHECK_RC(dk__call_query_bool(&k, "follow", 1));
	CHECK_RC(dk__call_query_bool(&k, "stdout", 0));
	CHECK_RC(dk__call_query_bool(&k, "skipped", -1));
	CHECK_RC(dk__call_query_int(&k, "tail", -5));
	CHECK_RC(dk__call_query_str(&k, "filters", "{\"label\":[\"a=b&c\"]}"));
	CHECK_RC(dk__call_query_str(&k, "none", NULL));
	CHECK(!strcmp(k.url.ptr, "http://localhost/v1.41/containers/a%20b%3Fc%23d%25e%2Ff/logs"
		"?follow=1&stdout=0&tail=-5&filters=%7B%22label%22%3A%5B%22a%3Db%26c%22%5D%7D"));
	dk__call_abort(&k, 0);

	/* repeated parameters */
	CHECK_RC(dk__call_begin(&k, c, "GET", "Test", 0, "/system/df"));
	CHECK_RC(dk__call_query_str(&k, "type", "container"));
	CHECK_RC(dk__call_query_str(&k, "type", "image"));
	CHECK(!strcmp(k.url.ptr, "http://localhost/system/df?type=container&type=image"));
	dk__call_abort(&k, 0);

	/* an empty path parameter is refused before any request */
	CHECK(dk__call_begin(&k, c, "GET", "Test", 1, "/containers/{}/json", "") == DK_EINVAL);
	CHECK(dk__call_begin(&k, c, "GET", "Test", 1, "/containers/{}/json", (const char *)NULL) == DK_EINVAL);
	/* so are "." and "..", which libcurl and the engine resolve as dot
	 * segments (GET /v1.41/networks/. would list the networks) */
	CHECK(dk__call_begin(&k, c, "GET", "Test", 1, "/networks/{}", ".") == DK_EINVAL);
	CHECK(dk__call_begin(&k, c, "GET", "Test", 1, "/images/{}/json", "..") == DK_EINVAL);
	CHECK_RC(dk__call_begin(&k, c, "GET", "Test", 1, "/images/{}/json", "a/.."));
	CHECK(!strcmp(k.url.ptr, "http://localhost/v1.41/images/a%2F../json"));
	dk__call_abort(&k, 0);

	/* header values with line breaks are refused */
	CHECK_RC(dk__call_begin(&k, c, "GET", "Test", 1, "/x"));
	CHECK(dk__call_header(&k, "X-Registry-Auth", "abc\r\nX-Evil: 1", 1) == DK_EINVAL);
	dk__call_abort(&k, 0);

	/* version gates */
	CHECK_RC(dk__call_begin(&k, c, "GET", "SystemDataUsage", 1, "/system/df"));
	CHECK(dk__call_require(&k, "1.42", "type") == DK_EVERSION);
	CHECK(strstr(dk_error_last()->message, "1.42") != NULL);
	CHECK_RC(dk__call_require(&k, "1.41", "x"));
	dk__call_abort(&k, 0);

	/* version parsing and range */
	CHECK(dk_client_set_api_version(c, "1.99") == DK_EVERSION);
	CHECK(dk_client_set_api_version(c, "banana") == DK_EINVAL);
	CHECK_RC(dk_client_set_api_version(c, "v1.45"));
	dk_client_free(c);

	/* URL forms */
	CHECK_RC(dk_client_new(&c, "unix://var/run/docker.sock"));
	CHECK(!strcmp(dk_client_url(c), "unix:///var/run/docker.sock"));
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, "tcp://127.0.0.1:2375"));
	CHECK(!strcmp(dk_client_url(c), "tcp://127.0.0.1:2375"));
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, "http://127.0.0.1:2375/"));
	CHECK(!strcmp(dk_client_url(c), "tcp://127.0.0.1:2375"));
	dk_client_free(c);
	/* no host: the local one, as the docker CLI and docker-py read "tcp://:2375" */
	CHECK_RC(dk_client_new(&c, "tcp://:2375"));
	CHECK(!strcmp(dk_client_url(c), "tcp://127.0.0.1:2375"));
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, ":2375"));
	CHECK(!strcmp(dk_client_url(c), "tcp://127.0.0.1:2375"));
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, "https://:2376/"));
	CHECK(!strcmp(dk_client_url(c), "tcp://127.0.0.1:2376"));
	dk_client_free(c);
	CHECK(dk_client_new(&c, "ftp://x") == DK_EINVAL);
	CHECK(c == NULL);
	CHECK(dk_client_new(&c, "unix://") == DK_EINVAL);
	/* ssh: parsed here, connected only on use (tests/c/test_ssh_e2e.c) */
	CHECK_RC(dk_client_new(&c, "ssh://user@host"));
	CHECK(!strcmp(dk_client_url(c), "ssh://user@host"));
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, "ssh://host.example:2222/"));
	CHECK(!strcmp(dk_client_url(c), "ssh://host.example:2222"));
	CHECK(dk_client_set_tls(c, NULL) == DK_EINVAL);
	dk_client_free(c);
	CHECK_RC(dk_client_new(&c, "ssh://me@[::1]:22"));
	CHECK(!strcmp(dk_client_url(c), "ssh://me@[::1]:22"));
	dk_client_free(c);
	CHECK(dk_client_new(&c, "ssh://") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://-oProxyCommand=x") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://-l@host") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://u:secret@host") == DK_EINVAL);
	CHECK(strstr(dk_error_last()->message, "password") != NULL);
	CHECK(dk_client_new(&c, "ssh://host/var/run/docker.sock") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://host:0") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://host:65536") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://host:22x") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://ho$t") == DK_EINVAL);
	CHECK(dk_client_new(&c, "ssh://[::1") == DK_EINVAL);
	CHECK(c == NULL);
	{
		char **w = NULL;

		CHECK(dk__ssh_split_words(&w, "  ssh -F '/a b/c'  -o \"X=\\\"y\\\"\" -i\\ k ") == 6);
		CHECK(!strcmp(w[0], "ssh") && !strcmp(w[1], "-F") && !strcmp(w[2], "/a b/c"));
		CHECK(!strcmp(w[3], "-o") && !strcmp(w[4], "X=\"y\"") && !strcmp(w[5], "-i k"));
		CHECK(w[6] == NULL);
		dk__ssh_words_free(w);
		CHECK(dk__ssh_split_words(&w, "") == 0 && w && w[0] == NULL);
		dk__ssh_words_free(w);
		CHECK(dk__ssh_split_words(&w, "ssh 'x") == DK_EINVAL && w == NULL);
		setenv("CLIBDOCKER_SSH_COMMAND", "ssh \"-F", 1);
		CHECK(dk_client_new(&c, "ssh://host") == DK_EINVAL);
		CHECK(strstr(dk_error_last()->message, "CLIBDOCKER_SSH_COMMAND") != NULL);
		unsetenv("CLIBDOCKER_SSH_COMMAND");
	}

	/* a refused connection is a clear error, not a crash */
	CHECK_RC(dk_client_new(&c, "unix:///tmp/clibdocker-no-such.sock"));
	CHECK(dk_system_ping(c) == DK_ECONNECT);
	CHECK(strstr(dk_error_last()->message, "connect") != NULL);
	dk_client_free(c);
	DKT_DONE();
}
