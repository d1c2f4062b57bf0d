/* A tiny Docker volume-driver plugin for the plugin tests (tests/test_plugins.py).
 *
 * Built statically (gcc -static) into the rootfs of a test plugin, it is
 * the plugin's entrypoint: it serves the plugin protocol (HTTP over the unix
 * socket named in config.json `interface.socket`, which the engine expects
 * under /run/docker/plugins) and answers Plugin.Activate and the
 * VolumeDriver calls, keeping its volumes in memory. Each volume's `Status`
 * carries the plugin's GREETING environment setting, so a test can see a
 * PluginSet change take effect inside the running plugin.
 *
 * usage: plugin_volume_driver [socket path]
 *        (default /run/docker/plugins/clibdocker-test.sock) */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXVOL 64
#define MAXNAME 200
#define MAXREQ 65536

static char vols[MAXVOL][MAXNAME + 1];

static int find_vol(const char *name)
{
	int i;

	for (i = 0; i < MAXVOL; i++)
		if (vols[i][0] && !strcmp(vols[i], name))
			return i;
	return -1;
}

/* The string value of "Name" in a JSON body (no escapes expected: volume
 * names are [a-zA-Z0-9_.-]). */
static int json_name(const char *body, char *out, size_t cap)
{
	const char *p = strstr(body, "\"Name\"");
	size_t n = 0;

	if (!p)
		return -1;
	p += 6;
	while (*p == ' ' || *p == ':')
		p++;
	if (*p++ != '"')
		return -1;
	while (*p && *p != '"' && n + 1 < cap) {
		if (*p == '\\' || (unsigned char)*p < 0x20)
			return -1;
		out[n++] = *p++;
	}
	if (*p != '"' || n == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

static void reply(int fd, const char *json)
{
	char head[256];
	size_t len = strlen(json), off = 0;
	int hl = snprintf(head, sizeof(head),
		"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
	ssize_t w;

	if (write(fd, head, (size_t)hl) != hl)
		return;
	while (off < len) {
		w = write(fd, json + off, len - off);
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static void volume_json(char *out, size_t cap, const char *name)
{
	const char *g = getenv("GREETING");

	snprintf(out, cap, "{\"Name\":\"%s\",\"Mountpoint\":\"/data/%s\","
		"\"Status\":{\"greeting\":\"%s\"}}", name, name, g ? g : "");
}

static void handle(int fd, const char *path, const char *body)
{
	static char out[MAXVOL * (MAXNAME * 2 + 128) + 64];
	char name[MAXNAME + 1], one[MAXNAME * 2 + 128];
	int i, first;

	if (!strcmp(path, "/Plugin.Activate")) {
		reply(fd, "{\"Implements\":[\"VolumeDriver\"]}");
		return;
	}
	if (!strcmp(path, "/VolumeDriver.Capabilities")) {
		reply(fd, "{\"Capabilities\":{\"Scope\":\"local\"}}");
		return;
	}
	if (!strcmp(path, "/VolumeDriver.List")) {
		strcpy(out, "{\"Volumes\":[");
		for (i = 0, first = 1; i < MAXVOL; i++) {
			if (!vols[i][0])
				continue;
			volume_json(one, sizeof(one), vols[i]);
			if (!first)
				strcat(out, ",");
			strcat(out, one);
			first = 0;
		}
		strcat(out, "],\"Err\":\"\"}");
		reply(fd, out);
		return;
	}
	if (strncmp(path, "/VolumeDriver.", 14) != 0) {
		reply(fd, "{\"Err\":\"unknown call\"}");
		return;
	}
	if (json_name(body, name, sizeof(name))) {
		reply(fd, "{\"Err\":\"bad request: no Name\"}");
		return;
	}
	path += 14;
	i = find_vol(name);
	if (!strcmp(path, "Create")) {
		if (i < 0) {
			for (i = 0; i < MAXVOL && vols[i][0]; i++)
				;
			if (i == MAXVOL) {
				reply(fd, "{\"Err\":\"too many volumes\"}");
				return;
			}
			strcpy(vols[i], name);
		}
		reply(fd, "{\"Err\":\"\"}");
	} else if (i < 0) {
		reply(fd, "{\"Err\":\"no such volume\"}");
	} else if (!strcmp(path, "Remove")) {
		vols[i][0] = '\0';
		reply(fd, "{\"Err\":\"\"}");
	} else if (!strcmp(path, "Get")) {
		volume_json(one, sizeof(one), name);
		snprintf(out, sizeof(out), "{\"Volume\":%s,\"Err\":\"\"}", one);
		reply(fd, out);
	} else if (!strcmp(path, "Path") || !strcmp(path, "Mount")) {
		snprintf(one, sizeof(one), "/data/%s", name);
		mkdir("/data", 0755);
		mkdir(one, 0755);
		snprintf(out, sizeof(out), "{\"Mountpoint\":\"%s\",\"Err\":\"\"}", one);
		reply(fd, out);
	} else if (!strcmp(path, "Unmount")) {
		reply(fd, "{\"Err\":\"\"}");
	} else {
		reply(fd, "{\"Err\":\"unknown call\"}");
	}
}

/* Read one request; 0 and path/body filled, or -1. */
static int read_request(int fd, char *buf, size_t cap, char **path, char **body)
{
	size_t got = 0, want = 0;
	char *end = NULL, *cl, *sp;
	ssize_t r;

	for (;;) {
		if (got + 1 >= cap)
			return -1;
		r = read(fd, buf + got, cap - 1 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		buf[got] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strcasestr(buf, "\r\nContent-Length:");
			want = (size_t)(end + 4 - buf);
			if (cl && cl < end)
				want += (size_t)strtoul(cl + 17, NULL, 10);
		}
		if (end && got >= want)
			break;
	}
	*end = '\0';
	*body = end + 4;
	sp = strchr(buf, ' ');
	if (!sp)
		return -1;
	*path = sp + 1;
	sp = strchr(*path, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[MAXREQ];
	const char *sock = argc > 1 ? argv[1] : "/run/docker/plugins/clibdocker-test.sock";
	struct sockaddr_un a;
	char *path, *body;
	int s, fd;

	signal(SIGPIPE, SIG_IGN);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(a.sun_path)) {
		fprintf(stderr, "socket path too long\n");
		return 1;
	}
	strcpy(a.sun_path, sock);
	unlink(sock);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16)) {
		fprintf(stderr, "%s: %s\n", sock, strerror(errno));
		return 1;
	}
	fprintf(stderr, "serving on %s\n", sock);
	for (;;) {
		fd = accept(s, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (read_request(fd, buf, sizeof(buf), &path, &body) == 0)
			handle(fd, path, body);
		close(fd);
	}
}
