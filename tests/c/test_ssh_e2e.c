/* The ssh:// transport from C, end to end. Needs a reachable sshd whose
 * sessions can run `docker system dial-stdio`: tests/test_ssh.py starts one
 * and runs this program with CLIBDOCKER_TEST_SSH_URL (and
 * CLIBDOCKER_SSH_COMMAND) set; without them it only says it skipped. */
#define _GNU_SOURCE
#include "dktest.h"

#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

/* Our child processes named `comm` (NULL: any), or zombies only. */
static int children(const char *comm, int zombies)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], buf[512], *l, *r, state;
		int ppid;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf[0] = '\0';
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		l = strchr(buf, '(');
		r = strrchr(buf, ')');
		if (!l || !r || sscanf(r + 2, "%c %d", &state, &ppid) != 2 || ppid != getpid())
			continue;
		*r = '\0';
		if (zombies ? state == 'Z' : (!comm || !strcmp(l + 1, comm)))
			n++;
	}
	closedir(d);
	return n;
}

static void *pinger(void *ud)
{
	dk_client *c = ud;
	int i, *bad = calloc(1, sizeof(int));

	for (i = 0; i < 5 && bad; i++)
		if (dk_system_ping(c) != 0)
			(*bad)++;
	return bad;
}

int main(void)
{
	const char *url = getenv("CLIBDOCKER_TEST_SSH_URL");
	dk_client *c = NULL;
	dk_value *v = NULL;
	dk_stream *s = NULL;
	pthread_t th[4];
	const char *data, *ver = NULL;
	char since[32], until[32];
	size_t len;
	int i, rc, nmsg = 0;

	if (!url || !*url) {
		printf("skipped: CLIBDOCKER_TEST_SSH_URL is not set (tests/test_ssh.py sets it)\n");
		return 0;
	}
	CHECK_RC(dk_client_new(&c, url));
	if (!c)
		DKT_DONE();
	CHECK(!strcmp(dk_client_url(c), url));
	CHECK_RC(dk_system_ping(c));
	CHECK_RC(dk_client_api_version(&ver, c));
	CHECK(ver && !strcmp(ver, "1.41"));
	CHECK_RC(dk_system_version(&v, c, 1));
	CHECK(v && !strcmp(dk_value_get_string(v, "/ApiVersion"), "1.41"));
	dk_value_free(v);
	for (i = 0; i < 20; i++)
		CHECK_RC(dk_system_ping(c));
	CHECK(children("ssh", 0) == 1); /* one pooled connection for all of them */

	/* a stream over its own ssh connection, bounded by `until` */
	snprintf(since, sizeof(since), "%ld", (long)time(NULL) - 3600);
	snprintf(until, sizeof(until), "%ld", (long)time(NULL));
	CHECK_RC(dk_system_events(&s, c, since, until, "{\"type\":[\"volume\"]}"));
	while ((rc = dk_stream_next(s, &data, &len)) == 1)
		nmsg++;
	CHECK(rc == 0);
	dk_stream_free(s);
	printf("%d volume events in the last hour\n", nmsg);

	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&th[i], NULL, pinger, c) == 0);
	for (i = 0; i < 4; i++) {
		void *bad = NULL;

		pthread_join(th[i], &bad);
		CHECK(bad && *(int *)bad == 0);
		free(bad);
	}
	CHECK(children("ssh", 0) >= 1 && children("ssh", 0) <= 4);
	dk_client_free(c);
	CHECK(children("ssh", 0) == 0);
	CHECK(children(NULL, 1) == 0);

	/* nobody listens on that port: ssh's own words, quickly */
	{
		char bad_url[300];
		const char *at = strrchr(url, ':');
		time_t t0 = time(NULL);

		snprintf(bad_url, sizeof(bad_url), "%.*s:1", at ? (int)(at - url) : (int)strlen(url), url);
		CHECK_RC(dk_client_new(&c, bad_url));
		rc = dk_system_ping(c);
		CHECK(rc == DK_ECONNECT);
		CHECK(strstr(dk_error_last()->message, "ssh") != NULL);
		CHECK(strstr(dk_error_last()->message, "refused") != NULL);
		CHECK(time(NULL) - t0 < 10);
		dk_client_free(c);
		CHECK(children(NULL, 0) == 0 || children("ssh", 0) == 0);
		CHECK(children(NULL, 1) == 0);
	}
	DKT_DONE();
}
