/* dk_request / dk_request_stream / dk_client_set_headers: against the real
 * engine, and against a tiny local HTTP server on a unix socket that records
 * what it was sent (headers) or never answers (timeouts). */
#define _GNU_SOURCE
#include "dktest.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

#define IMAGE "clibdocker-test/busybox:latest"

/* --- a one-shot fake engine ------------------------------------------------ */

struct fake {
	int lfd;
	int answer;          /* 0: never answer (hold the connection) */
	char got[8192];      /* the request head it received */
	char path[108];
};

static void *fake_serve(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return NULL;
	while (n < sizeof(f->got) - 1 && !strstr(f->got, "\r\n\r\n")) {
		r = read(fd, f->got + n, sizeof(f->got) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		f->got[n] = '\0';
	}
	if (f->answer) {
		static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			"X-Fake: yes\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
		CHECK(write(fd, resp, sizeof(resp) - 1) == (ssize_t)(sizeof(resp) - 1));
	} else {
		char buf[256];
		while (read(fd, buf, sizeof(buf)) > 0) /* until the client gives up */
			;
	}
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f, pthread_t *t, int answer)
{
	struct sockaddr_un a;

	memset(f, 0, sizeof(*f));
	f->answer = answer;
	snprintf(f->path, sizeof(f->path), "/tmp/dk-request-test-%d.sock", (int)getpid());
	unlink(f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
	CHECK(bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(listen(f->lfd, 4) == 0);
	pthread_create(t, NULL, fake_serve, f);
}

static void fake_stop(struct fake *f, pthread_t t)
{
	pthread_join(t, NULL);
	close(f->lfd);
	unlink(f->path);
}

static dk_client *fake_client(const struct fake *f)
{
	char url[160];
	dk_client *c = NULL;

	snprintf(url, sizeof(url), "unix://%s", f->path);
	CHECK_RC(dk_client_new(&c, url));
	CHECK_RC(dk_client_set_api_version(c, "1.41"));
	return c;
}

static void test_headers_sent(void)
{
	struct fake f;
	pthread_t t;
	dk_client *c;
	dk_response *r = NULL;
	dk_request_options o;
	const char *hdrs[] = {"X-Tc-Sid: abc123", "User-Agent: mine/1.0", NULL};
	const char *call_hdrs[] = {"X-Per-Call: 7", NULL};
	const char *bad[] = {"No colon here", NULL};
	const char *crlf[] = {"X-A: b\r\nX-Injected: 1", NULL};
	size_t n = 0;
	const char *v;

	fake_start(&f, &t, 1);
	c = fake_client(&f);
	CHECK(dk_client_set_headers(c, bad) == DK_EINVAL);
	CHECK(dk_client_set_headers(c, crlf) == DK_EINVAL);
	CHECK_RC(dk_client_set_headers(c, hdrs));
	dk_request_options_init(&o);
	o.method = "POST";
	o.path = "/v1.41/containers/create?name=x";
	o.body = "{\"Image\":\"x\"}";
	o.body_len = strlen(o.body);
	o.headers = call_hdrs;
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 200);
	v = dk_response_header(r, "x-fake", &n);
	CHECK(v && n == 3 && !memcmp(v, "yes", 3));
	v = dk_response_body(r, &n);
	CHECK(n == 2 && !strcmp(v, "{}"));
	dk_response_free(r);
	fake_stop(&f, t);
	CHECK(strstr(f.got, "POST /v1.41/containers/create?name=x HTTP/1.1\r\n") == f.got);
	CHECK(strstr(f.got, "\r\nX-Tc-Sid: abc123\r\n") != NULL);
	CHECK(strstr(f.got, "\r\nUser-Agent: mine/1.0\r\n") != NULL);
	CHECK(strstr(f.got, "clibdocker/") == NULL);  /* the user's agent replaced ours */
	CHECK(strstr(f.got, "\r\nX-Per-Call: 7\r\n") != NULL);
	CHECK(strstr(f.got, "\r\nContent-Type: application/json\r\n") != NULL);

	/* removed again: the default agent is back */
	fake_start(&f, &t, 1);
	CHECK_RC(dk_client_set_headers(c, NULL));
	dk_client_free(c);
	c = fake_client(&f);
	dk_request_options_init(&o);
	o.path = "/_ping";
	CHECK_RC(dk_request(&r, c, &o));
	dk_response_free(r);
	fake_stop(&f, t);
	CHECK(strstr(f.got, "\r\nUser-Agent: clibdocker/") != NULL);
	CHECK(strstr(f.got, "X-Tc-Sid") == NULL);
	dk_client_free(c);
}

static void test_timeout(void)
{
	struct fake f;
	pthread_t t;
	dk_client *c;
	dk_response *r = NULL;
	dk_request_options o;
	struct timespec a, b;
	double secs;

	fake_start(&f, &t, 0);
	c = fake_client(&f);
	dk_request_options_init(&o);
	o.path = "/v1.41/containers/x/wait";
	o.method = "POST";
	o.timeout_ms = 400;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(dk_request(&r, c, &o) == DK_ETIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(r == NULL);
	CHECK(secs > 0.3 && secs < 5);
	dk_client_free(c);  /* closes the connection: the server's read ends */
	fake_stop(&f, t);
}

static void test_bad_options(dk_client *c)
{
	dk_response *r = NULL;
	dk_request_options o;

	dk_request_options_init(&o);
	o.path = "containers/json";
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	o.path = "/containers/a b/json";
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	o.path = "/containers/json\r\nX: y";
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	o.path = "/_ping";
	o.method = "BREW";
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	o.method = "get";  /* methods are upper case */
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	o.method = "GET";
	o.version = 99;
	CHECK(dk_request(&r, c, &o) == DK_EINVAL);
	CHECK(r == NULL);
}

static void test_engine(dk_client *c)
{
	dk_response *r = NULL;
	dk_request_options o;
	dk_stream *s = NULL;
	const char *ver = NULL, *body;
	char path[256], create[256], id[80];
	size_t n = 0;
	int got = 0, rc;
	const char *data;

	CHECK_RC(dk_client_api_version(&ver, c));

	/* a list, answered 200 with its headers */
	dk_request_options_init(&o);
	snprintf(path, sizeof(path), "/v%s/containers/json?all=1", ver);
	o.path = path;
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 200);
	body = dk_response_body(r, &n);
	CHECK(n > 0 && body[0] == '[');
	CHECK(dk_response_header(r, "Api-Version", &n) != NULL);
	CHECK(strstr(dk_response_headers(r, &n), "HTTP/1.1 200") != NULL);
	dk_response_free(r);
	r = NULL;

	/* OPTIONS and PATCH (requests.Session has them): sent as given */
	o.method = "OPTIONS";
	o.path = "/_ping";
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 200);
	dk_response_free(r);
	r = NULL;
	o.method = "PATCH";
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) >= 400);
	dk_response_free(r);
	r = NULL;
	o.method = "GET";
	o.path = path;

	/* an error status is an answer, with the daemon's message */
	snprintf(path, sizeof(path), "/v%s/containers/no-such-container-dkreq/json", ver);
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 404);
	body = dk_response_body(r, &n);
	CHECK(strstr(body, "No such container") != NULL);
	dk_response_free(r);

	/* create (JSON body) and delete */
	dk_request_options_init(&o);
	snprintf(create, sizeof(create), "/v%s/containers/create?name=dk-request-test-%d", ver,
		(int)getpid());
	o.method = "POST";
	o.path = create;
	o.body = "{\"Image\":\"" IMAGE "\",\"Cmd\":[\"true\"],\"Labels\":{\"clibdocker-test\":\"1\"}}";
	o.body_len = strlen(o.body);
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 201);
	body = dk_response_body(r, &n);
	id[0] = '\0';
	if (strstr(body, "\"Id\":\""))
		snprintf(id, sizeof(id), "%.64s", strstr(body, "\"Id\":\"") + 6);
	CHECK(strlen(id) == 64);
	dk_response_free(r);
	dk_request_options_init(&o);
	o.method = "DELETE";
	snprintf(path, sizeof(path), "/v%s/containers/%s?force=1", ver, id);
	o.path = path;
	CHECK_RC(dk_request(&r, c, &o));
	CHECK(dk_response_status(r) == 204);
	dk_response_free(r);

	/* a raw stream: the events up to now */
	dk_request_options_init(&o);
	snprintf(path, sizeof(path), "/v%s/events?since=%ld&until=%ld", ver,
		(long)time(NULL) - 60, (long)time(NULL) + 1);
	o.path = path;
	CHECK_RC(dk_request_stream(&s, c, &o));
	while ((rc = dk_stream_next(s, &data, &n)) == 1)
		got += (int)n;
	CHECK(rc == 0);
	CHECK(got > 0);   /* at least the create and destroy above */
	dk_stream_free(s);

	/* a stream's error status is an error */
	snprintf(path, sizeof(path), "/v%s/containers/no-such-container-dkreq/logs?stdout=1", ver);
	CHECK(dk_request_stream(&s, c, &o) == DK_ENOTFOUND);
	CHECK(dk_error_last()->http_status == 404);
	CHECK(s == NULL);
}

int main(void)
{
	dk_client *c = NULL;

	CHECK_RC(dk_client_new(&c, NULL));
	test_bad_options(c);
	test_engine(c);
	dk_client_free(c);
	test_headers_sent();
	test_timeout();
	DKT_DONE();
}
