/* libFuzzer target: the fsutil receiver (fsutil_recv.c), which writes what
 * the engine sends for a `type=local` output. The input is a series of
 * packets, each a 2-byte length and a protobuf Packet, fed to a receiver
 * writing under a fresh directory <tmp>/dest.
 * Properties: never a crash; nothing is created or changed outside dest
 * (a sentinel file beside it keeps its content, and <tmp> holds only
 * "dest" and the sentinel); replies are well-framed packets. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil_int.h"

static char base[64];

static void rmrf(const char *p)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
	if (system(cmd) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dest[128], sentinel[128], buf[16];
	dk_fsrecv *r = NULL;
	dkbuf out = DKBUF_INIT;
	size_t pos = 0;
	int fd, n = 0;
	DIR *d;
	struct dirent *e;

	if (!base[0]) {
		snprintf(base, sizeof(base), "/tmp/dk-fuzz-fsrecv-%d", (int)getpid());
		mkdir(base, 0755);
	}
	snprintf(dest, sizeof(dest), "%s/dest", base);
	snprintf(sentinel, sizeof(sentinel), "%s/sentinel", base);
	fd = open(sentinel, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "keep", 4) != 4)
		abort();
	close(fd);
	if (dk_fsrecv_new(&r, dest) != 0)
		abort();
	while (pos + 2 <= size) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];
		dk_fs_packet p;
		uint8_t *msg;
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		msg = malloc(len ? len : 1);
		memcpy(msg, data + pos, len);
		pos += len;
		if (dk_fs_packet_decode(&p, msg, len) == 0 && dk_fsrecv_packet(r, &p, &out) < 0) {
			free(msg);
			break; /* the session ends the call with the error */
		}
		free(msg);
	}
	dk_fsrecv_free(r);
	/* the replies: well-framed packets */
	{
		dk_grpc_reader rd;
		const unsigned char *m;
		size_t ml;
		dk_fs_packet q;
		int rc;
		dk_grpc_reader_init(&rd, 0);
		dk_grpc_reader_feed(&rd, out.ptr, out.len);
		while ((rc = dk_grpc_reader_next(&rd, &m, &ml)) == 1)
			if (dk_fs_packet_decode(&q, m, ml) != 0 || (q.type != DK_FS_REQ && q.type != DK_FS_FIN))
				abort();
		if (rc < 0 || dk_grpc_reader_partial(&rd))
			abort();
		dk_grpc_reader_dispose(&rd);
	}
	dkbuf_dispose(&out);
	fd = open(sentinel, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 4 || memcmp(buf, "keep", 4))
		abort();
	close(fd);
	d = opendir(base);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "dest") &&
		    strcmp(e->d_name, "sentinel"))
			abort();
	if (d)
		closedir(d);
	(void)n;
	rmrf(dest);
	return 0;
}
