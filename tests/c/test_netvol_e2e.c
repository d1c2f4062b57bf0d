/* The Network and Volume C API end to end against the real engines: effects
 * checked through inspect/list and through a container (docker CLI).
 * Covers @op NetworkCreate @op NetworkInspect @op NetworkList
 * @op NetworkConnect @op NetworkDisconnect @op NetworkDelete @op NetworkPrune
 * @op VolumeCreate @op VolumeInspect @op VolumeList @op VolumeUpdate
 * @op VolumeDelete @op VolumePrune */
#define _GNU_SOURCE
#include "dktest.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "clibdocker/clibdocker.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/* Run a shell command; its first output line into `buf` (may be NULL). */
static int sh(char *buf, size_t n, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	int rc;

	if (!p)
		return -1;
	if (buf && n) {
		buf[0] = '\0';
		if (fgets(buf, (int)n, p))
			buf[strcspn(buf, "\n")] = '\0';
	}
	while (fgetc(p) != EOF)
		;
	rc = pclose(p);
	return rc;
}

static void test_networks(dk_client *c, const char *tag)
{
	char name[96], cname[96], cfg[1024], filt[256], cmd[512], out[256];
	dk_value *v = NULL;
	const char *id;
	char netid[80] = "";
	int sub = (int)(getpid() % 200) + 20;

	snprintf(name, sizeof(name), "clibdocker-test-cnet-%s", tag);
	snprintf(cname, sizeof(cname), "clibdocker-test-cctr-%s", tag);
	snprintf(cfg, sizeof(cfg),
		"{\"Name\":\"%s\",\"Driver\":\"bridge\",\"Internal\":false,"
		"\"IPAM\":{\"Driver\":\"default\",\"Config\":[{\"Subnet\":\"10.139.%d.0/24\","
		"\"Gateway\":\"10.139.%d.1\"}]},"
		"\"Labels\":{\"clibdocker-test\":\"1\",\"c-tag\":\"%s\"}}", name, sub, sub, tag);
	CHECK_RC(dk_network_create(&v, c, cfg));
	id = v ? dk_value_get_string(v, "/Id") : NULL;
	CHECK(id && strlen(id) == 64);
	if (id)
		snprintf(netid, sizeof(netid), "%s", id);
	dk_value_free(v);
	v = NULL;

	CHECK_RC(dk_network_inspect(&v, c, name, -1, NULL));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Id"), netid));
	snprintf(out, sizeof(out), "10.139.%d.1", sub);
	CHECK(v && !strcmp(dk_value_get_string(v, "/IPAM/Config/0/Gateway"), out));
	dk_value_free(v);
	v = NULL;

	snprintf(filt, sizeof(filt), "{\"label\":[\"c-tag=%s\"]}", tag);
	CHECK_RC(dk_network_list(&v, c, filt));
	CHECK(v && dk_value_count(v, "") == 1);
	CHECK(v && !strcmp(dk_value_get_string(v, "/0/Name"), name));
	dk_value_free(v);
	v = NULL;

	/* connect a container with a static address: the container sees it */
	snprintf(cmd, sizeof(cmd), "docker run -d --label clibdocker-test=1 --name %s "
		"clibdocker-test/busybox sleep 120 >/dev/null 2>&1", cname);
	CHECK(sh(NULL, 0, cmd) == 0);
	snprintf(cfg, sizeof(cfg), "{\"Aliases\":[\"c-alias\"],\"IPAMConfig\":"
		"{\"IPv4Address\":\"10.139.%d.42\"}}", sub);
	CHECK_RC(dk_network_connect(c, name, cname, cfg));
	snprintf(cmd, sizeof(cmd), "docker exec %s ip -4 addr | grep -c 'inet 10.139.%d.42/24'",
		cname, sub);
	CHECK(sh(out, sizeof(out), cmd) == 0 && !strcmp(out, "1"));
	CHECK(dk_network_connect(c, name, cname, "[1,2]") == DK_EINVAL);
	CHECK(dk_network_connect(c, name, cname, "{bad json") == DK_EINVAL);
	CHECK(dk_network_connect(c, name, "clibdocker-test-no-such-ctr", NULL) == DK_ENOTFOUND);
	/* in use: the daemon refuses to remove it */
	CHECK(dk_network_delete(c, name) < 0);
	CHECK_RC(dk_network_disconnect(c, name, cname, 1));
	snprintf(cmd, sizeof(cmd), "docker exec %s ip -4 addr | grep -c 'inet 10.139.%d.42/24'",
		cname, sub);
	CHECK(sh(out, sizeof(out), cmd) != 0 && !strcmp(out, "0"));
	CHECK(dk_network_disconnect(c, name, cname, 0) < 0);
	snprintf(cmd, sizeof(cmd), "docker rm -f %s >/dev/null 2>&1", cname);
	sh(NULL, 0, cmd);

	/* prune by our label removes exactly this network */
	CHECK_RC(dk_network_prune(&v, c, filt));
	CHECK(v && dk_value_count(v, "/NetworksDeleted") == 1);
	CHECK(v && !strcmp(dk_value_get_string(v, "/NetworksDeleted/0"), name));
	dk_value_free(v);
	v = NULL;
	CHECK(dk_network_inspect(&v, c, netid, 1, "local") == DK_ENOTFOUND);
	CHECK(v == NULL);
	CHECK(dk_network_delete(c, netid) == DK_ENOTFOUND);
	CHECK(dk_network_create(&v, c, NULL) == DK_EINVAL);
	CHECK(dk_network_delete(c, "") == DK_EINVAL);
}

static void test_volumes(dk_client *c, dk_client *c2, const char *tag)
{
	char name[96], plain[112], cfg[512], filt[256], cmd[512], out[256];
	dk_value *v = NULL;

	snprintf(name, sizeof(name), "clibdocker-test-cvol-%s", tag);
	snprintf(cfg, sizeof(cfg), "{\"Name\":\"%s\",\"Driver\":\"local\",\"DriverOpts\":"
		"{\"type\":\"tmpfs\",\"device\":\"tmpfs\",\"o\":\"size=1m\"},"
		"\"Labels\":{\"clibdocker-test\":\"1\",\"c-tag\":\"%s\"}}", name, tag);
	CHECK_RC(dk_volume_create(&v, c, cfg));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Name"), name));
	dk_value_free(v);
	v = NULL;
	CHECK_RC(dk_volume_inspect(&v, c, name));
	CHECK(v && !strcmp(dk_value_get_string(v, "/Options/type"), "tmpfs"));
	dk_value_free(v);
	v = NULL;
	snprintf(cmd, sizeof(cmd), "docker run --rm --label clibdocker-test=1 -v %s:/data "
		"clibdocker-test/busybox sh -c 'grep \" /data \" /proc/mounts | cut -d\" \" -f1,3'", name);
	CHECK(sh(out, sizeof(out), cmd) == 0 && !strcmp(out, "tmpfs tmpfs"));

	snprintf(filt, sizeof(filt), "{\"label\":[\"c-tag=%s\"],\"dangling\":[\"true\"]}", tag);
	CHECK_RC(dk_volume_list(&v, c, filt));
	CHECK(v && dk_value_count(v, "/Volumes") == 1);
	dk_value_free(v);
	v = NULL;

	/* update: gated to API 1.42 on the 1.41 engine; the 1.45 engine (not
	 * in swarm mode) answers with its error */
	CHECK(dk_volume_update(c, name, "{}", 0) == DK_EVERSION);
	CHECK(dk_volume_update(c2, name, "{}", 0) == DK_EAPI);
	CHECK(dk_error_last()->http_status == 503);
	CHECK(dk_volume_update(c2, name, "nope", 0) == DK_EINVAL);
	CHECK(dk_volume_update(c2, name, "{}", -1) == DK_EINVAL);
	/* `all` prune filter needs 1.42 */
	CHECK(dk_volume_prune(&v, c, "{\"all\":[\"true\"],\"label\":[\"x\"]}") == DK_EVERSION);
	CHECK(v == NULL);

	/* prune by our label: a plain volume goes; the engine keeps volumes
	 * created with driver options (tmpfs/bind) out of prunes */
	snprintf(plain, sizeof(plain), "%s-plain", name);
	snprintf(cfg, sizeof(cfg), "{\"Name\":\"%s\",\"Labels\":{\"clibdocker-test\":\"1\","
		"\"c-tag\":\"%s\"}}", plain, tag);
	CHECK_RC(dk_volume_create(&v, c, cfg));
	dk_value_free(v);
	v = NULL;
	snprintf(filt, sizeof(filt), "{\"label\":[\"c-tag=%s\"]}", tag);
	CHECK_RC(dk_volume_prune(&v, c, filt));
	CHECK(v && dk_value_count(v, "/VolumesDeleted") == 1);
	CHECK(v && !strcmp(dk_value_get_string(v, "/VolumesDeleted/0"), plain));
	dk_value_free(v);
	v = NULL;
	CHECK(dk_volume_inspect(&v, c, plain) == DK_ENOTFOUND);
	CHECK_RC(dk_volume_delete(c, name, 0));
	CHECK(dk_volume_inspect(&v, c, name) == DK_ENOTFOUND);
	CHECK(dk_volume_delete(c, name, 0) == DK_ENOTFOUND);
	CHECK_RC(dk_volume_delete(c, name, 1));
	CHECK(dk_volume_create(&v, c, NULL) == DK_EINVAL);
}

int main(void)
{
	dk_client *c = NULL, *c2 = NULL;
	char tag[32];

	snprintf(tag, sizeof(tag), "%ld-%ld", (long)getpid(), (long)time(NULL));
	CHECK_RC(dk_client_new_from_env(&c));
	CHECK_RC(dk_client_new(&c2, env_or("CLIBDOCKER_TEST_ENGINE2",
		"unix:///run/clibdocker-engine2/docker.sock")));
	if (c && c2) {
		test_networks(c, tag);
		test_volumes(c, c2, tag);
	}
	dk_client_free(c);
	dk_client_free(c2);
	DKT_DONE();
}
