/* Container streams and the Exec API from C, end to end against the main
 * engine: logs demultiplexed (frame by frame and in batches), exec with and
 * without stdin, archives in and out, export, stats, WebSocket attach. The
 * containers are made with the docker CLI and removed at the end. */
#define _GNU_SOURCE
#include "dktest.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static const char *image(void)
{
	const char *v = getenv("CLIBDOCKER_TEST_IMAGE");
	return v && *v ? v : "clibdocker-test/busybox:latest";
}

/* Run a shell command, return its first output line (static storage). */
static const char *sh(const char *cmd)
{
	static char line[256];
	FILE *p = popen(cmd, "r");

	line[0] = '\0';
	if (!p)
		return line;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static void logs_demux(dk_client *c, const char *cid)
{
	dk_stream *s = NULL;
	dk_logs_options o;
	const char *d;
	const dk_stream_run *runs;
	size_t n, nruns, i, off;
	char out[64] = "", err[64] = "";
	int id, rc;

	dk_logs_options_init(&o);
	CHECK_RC(dk_container_logs(&s, c, cid, &o));
	CHECK(dk_stream_get_kind(s) == DK_STREAM_MUX);
	while ((rc = dk_stream_next_frame(s, &id, &d, &n)) == 1) {
		char *dst = id == DK_STDERR ? err : out;
		CHECK(id == DK_STDOUT || id == DK_STDERR);
		if (strlen(dst) + n < 64)
			strncat(dst, d, n);
	}
	CHECK(rc == 0);
	CHECK(!strcmp(out, "o1\no2\n"));
	CHECK(!strcmp(err, "e1\n"));
	dk_stream_free(s);

	/* the same through batches, merged runs */
	o.show_stderr = 0;
	CHECK_RC(dk_container_logs(&s, c, cid, &o));
	out[0] = '\0';
	while ((rc = dk_stream_next_batch(s, 1, &d, &n, &runs, &nruns)) == 1) {
		for (i = 0, off = 0; i < nruns; off += runs[i].len, i++) {
			CHECK(runs[i].stream_id == DK_STDOUT);
			if (strlen(out) + runs[i].len < 64)
				strncat(out, d + off, runs[i].len);
		}
		CHECK(off == n);
	}
	CHECK(rc == 0);
	CHECK(!strcmp(out, "o1\no2\n"));
	CHECK(dk_stream_next_batch(s, 1, &d, &n, &runs, &nruns) == 0); /* sticky end */
	dk_stream_free(s);

	CHECK(dk_container_logs(&s, c, "clibdocker-test-no-such-container", NULL) == DK_ENOTFOUND);
	CHECK(s == NULL);
	/* the error names the request it answered; an error before any request does not */
	CHECK(strstr(dk_error_last()->url, "/containers/clibdocker-test-no-such-container/") != NULL);
	CHECK(!strcmp(dk_error_last()->method, "GET"));
	CHECK(dk_container_logs(&s, c, "", NULL) == DK_EINVAL);
	CHECK(!strcmp(dk_error_last()->url, ""));
	CHECK(!strcmp(dk_error_last()->method, ""));
}

static void exec_paths(dk_client *c, const char *cid)
{
	dk_value *v = NULL;
	dk_stream *s = NULL;
	dk_hijack *h = NULL;
	const char *d, *eid;
	char id[128], out[64] = "", echo[64] = "";
	size_t n;
	int sid, rc;
	int64_t code = -1;

	CHECK_RC(dk_exec_create(&v, c, cid,
		"{\"Cmd\":[\"sh\",\"-c\",\"echo hi; echo no >&2; exit 7\"],"
		"\"AttachStdout\":true,\"AttachStderr\":true}"));
	eid = v ? dk_value_get_string(v, "/Id") : NULL;
	CHECK(eid != NULL);
	snprintf(id, sizeof(id), "%s", eid ? eid : "x");
	dk_value_free(v);
	CHECK_RC(dk_exec_start(&s, c, id, -1));
	while ((rc = dk_stream_next_frame(s, &sid, &d, &n)) == 1)
		if (sid == DK_STDOUT && strlen(out) + n < 64)
			strncat(out, d, n);
	CHECK(rc == 0 && !strcmp(out, "hi\n"));
	dk_stream_free(s);
	CHECK_RC(dk_exec_inspect(&v, c, id));
	CHECK(v && dk_value_get_int(v, "/ExitCode", &code) == 0 && code == 7);
	dk_value_free(v);

	/* stdin through a hijacked connection */
	CHECK_RC(dk_exec_create(&v, c, cid,
		"{\"Cmd\":[\"cat\"],\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true}"));
	snprintf(id, sizeof(id), "%s", v ? dk_value_get_string(v, "/Id") : "x");
	dk_value_free(v);
	CHECK_RC(dk_exec_start_hijack(&h, c, id, -1));
	CHECK(dk_hijack_get_kind(h) == DK_STREAM_MUX);
	CHECK(dk_hijack_fd(h) >= 0);
	CHECK_RC(dk_hijack_write(h, "round trip\n", 11));
	CHECK_RC(dk_hijack_close_write(h));
	while ((rc = dk_hijack_next_frame(h, &sid, &d, &n)) == 1)
		if (strlen(echo) + n < 64)
			strncat(echo, d, n);
	CHECK(rc == 0 && !strcmp(echo, "round trip\n"));
	dk_hijack_free(h);

	CHECK(dk_exec_start(&s, c, "no-such-exec-0123", 0) == DK_ENOTFOUND);
	CHECK(dk_exec_resize(c, id, -1, 5) == DK_EINVAL);
	CHECK(dk_container_attach_websocket(&h, c, "no-such-container-0123", NULL) == DK_ENOTFOUND &&
		h == NULL);
}

/* GET /containers/{id}/attach/ws to a `cat` container: bytes sent in frames
 * come back as payload, a large write in several frames too; closing stdin
 * sends a close frame and the engine ends the connection cleanly. */
static void websocket(dk_client *c)
{
	char cid[80], cmd[512];
	static char big[200000], back[200000];
	dk_attach_options o;
	dk_hijack *h = NULL;
	size_t got = 0, n;
	int rc;

	snprintf(cmd, sizeof(cmd), "docker run -d -i --label clibdocker-test=1 %s cat", image());
	snprintf(cid, sizeof(cid), "%s", sh(cmd));
	CHECK(strlen(cid) == 64);
	dk_attach_options_init(&o);
	o.show_stdin = 1;
	CHECK_RC(dk_container_attach_websocket(&h, c, cid, &o));
	CHECK(h && dk_hijack_get_kind(h) == DK_STREAM_RAW);
	if (h) {
		for (n = 0; n < sizeof(big); n++)
			big[n] = (char)(n * 31 + (n >> 9));
		CHECK_RC(dk_hijack_write(h, "ws round trip\n", 14));
		while (got < 14 && (rc = dk_hijack_read(h, back + got, 14 - got, &n)) == 0 && n)
			got += n;
		CHECK(got == 14 && !memcmp(back, "ws round trip\n", 14));
		CHECK_RC(dk_hijack_write(h, big, sizeof(big)));
		got = 0;
		while (got < sizeof(big) && (rc = dk_hijack_read(h, back + got, sizeof(big) - got, &n)) == 0 && n)
			got += n;
		CHECK(got == sizeof(big) && !memcmp(back, big, sizeof(big)));
		CHECK_RC(dk_hijack_close_write(h));
		CHECK(dk_hijack_write(h, "x", 1) == DK_ETRANSPORT);
		/* without StdinOnce the engine ends the attach: a clean end */
		CHECK(dk_hijack_read(h, back, sizeof(back), &n) == 0 && n == 0);
		dk_hijack_free(h);
	}
	snprintf(cmd, sizeof(cmd), "docker rm -f %s >/dev/null", cid);
	CHECK(system(cmd) == 0);
}

static void archives(dk_client *c, const char *cid)
{
	char path[] = "/tmp/clibdocker-c-test-XXXXXX";
	int fd = mkstemp(path), rc;
	dk_stream *s = NULL;
	dk_value *st = NULL;
	uint64_t copied = 0;
	int64_t size = 0;
	char cmd[512];

	CHECK(fd >= 0);
	/* a tar made by busybox tar outside: the CLI's own copy of /etc/hostname */
	snprintf(cmd, sizeof(cmd), "docker exec %s tar -C /etc -cf - hostname > %s", cid, path);
	CHECK(system(cmd) == 0);
	lseek(fd, 0, SEEK_SET);
	CHECK_RC(dk_container_archive_put(c, cid, "/tmp", -1, -1, dk_read_fd, &fd));
	close(fd);
	snprintf(cmd, sizeof(cmd), "docker exec %s cmp /etc/hostname /tmp/hostname && echo same", cid);
	CHECK(!strcmp(sh(cmd), "same"));

	CHECK_RC(dk_container_archive_get(&s, c, cid, "/tmp/hostname", 0));
	CHECK_RC(dk_container_archive_stat(&st, s));
	CHECK(st && !strcmp(dk_value_get_string(st, "/name"), "hostname"));
	CHECK(st && dk_value_get_int(st, "/size", &size) == 0 && size > 0);
	dk_value_free(st);
	fd = open("/dev/null", O_WRONLY);
	rc = dk_stream_copy_fd(s, fd, &copied);
	CHECK(rc == 0 && copied >= 1024);      /* tar blocks */
	dk_stream_free(s);

	/* compressed: the engine gzips the transfer, the stream is still the tar
	 * (the same size as the uncompressed one, "hostname" at offset 0) */
	{
		uint64_t plain = copied;
		const char *d = NULL;
		size_t n = 0;

		CHECK_RC(dk_container_archive_get(&s, c, cid, "/tmp/hostname", 1));
		CHECK(dk_stream_next(s, &d, &n) == 1 && n >= 8 && !memcmp(d, "hostname", 8));
		rc = dk_stream_copy_fd(s, fd, &copied);
		CHECK(rc == 0 && copied + n == plain);
		dk_stream_free(s);
	}

	CHECK_RC(dk_container_export(&s, c, cid));
	rc = dk_stream_copy_fd(s, fd, &copied);
	CHECK(rc == 0 && copied > 100000);
	dk_stream_free(s);
	close(fd);
	unlink(path);
}

static void stats(dk_client *c, const char *cid)
{
	dk_value *v = NULL;
	dk_stream *s = NULL;
	const char *d;
	size_t n;

	CHECK_RC(dk_container_stats_once(&v, c, cid, 1));
	CHECK(v && dk_value_get_string(v, "/id") && !strcmp(dk_value_get_string(v, "/id"), cid));
	dk_value_free(v);
	CHECK_RC(dk_container_stats(&s, c, cid));
	CHECK(dk_stream_next(s, &d, &n) == 1 && n > 10 && d[0] == '{');
	dk_stream_free(s);
}

int main(void)
{
	dk_client *c = NULL;
	char cid[80], cmd[512];

	CHECK_RC(dk_client_new_from_env(&c));
	snprintf(cmd, sizeof(cmd), "docker run -d --label clibdocker-test=1 %s sh -c "
		"'echo o1; echo e1 >&2; echo o2; sleep 600'", image());
	snprintf(cid, sizeof(cid), "%s", sh(cmd));
	CHECK(strlen(cid) == 64);
	if (strlen(cid) == 64) {
		snprintf(cmd, sizeof(cmd), "docker logs %s 2>&1 | grep -c o2", cid);
		for (int i = 0; i < 100 && strcmp(sh(cmd), "1"); i++)
			usleep(100 * 1000);
		logs_demux(c, cid);
		exec_paths(c, cid);
		archives(c, cid);
		stats(c, cid);
		websocket(c);
		snprintf(cmd, sizeof(cmd), "docker rm -f %s >/dev/null", cid);
		CHECK(system(cmd) == 0);
	}
	dk_client_free(c);
	DKT_DONE();
}
