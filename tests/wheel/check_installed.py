"""Run inside a clean Debian root filesystem (no compiler, no libcurl, no
json-c) by scripts/test-wheel.sh, with clibdocker installed from the wheel
and the main engine's socket bind-mounted: the things a new user does first.
Exits non-zero on any failure. Everything it makes is labelled
clibdocker-test=1 and removed."""
import io
import os
import sys
import uuid

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}


def loaded_libraries():
    with open("/proc/self/maps") as f:
        return sorted({line.split()[-1] for line in f if ".so" in line.split()[-1]})


def main() -> int:
    import clibdocker

    c = clibdocker.APIClient()
    assert c.ping() is True
    v = c.version()
    print(f"clibdocker {clibdocker.__version__} on Python {sys.version.split()[0]}: "
          f"engine {v['Version']} API {v['ApiVersion']}")
    libs = loaded_libraries()
    print(f"shared libraries loaded: {len(libs)}")
    for bad in ("libcurl", "libjson-c", "libssl", "libcrypto", "libnghttp2"):
        assert not any(bad in p for p in libs), (bad, libs)
    # the wheel's extension is the stable-ABI one
    import clibdocker._native as native
    assert native.__file__.endswith(".abi3.so"), native.__file__

    # run a container and read its logs
    tag = uuid.uuid4().hex[:12]
    ctr = c.create_container(IMAGE, ["sh", "-c", "echo hello-from-the-wheel-$0", tag],
                             labels=LABELS, name=f"clibdocker-test-wheel-{tag}")
    try:
        c.start(ctr)
        assert c.wait(ctr, timeout=60)["StatusCode"] == 0
        out = c.logs(ctr)
        assert out == f"hello-from-the-wheel-{tag}\n".encode(), out
        print("container logs:", out.decode().strip())
    finally:
        c.remove_container(ctr, force=True)

    # build an image (classic builder), then run it through the high-level client
    dockerfile = f"FROM {IMAGE}\nRUN echo built-{tag} > /built\nLABEL clibdocker-test=1\n"
    image_tag = f"clibdocker-test/wheel-check:{tag}"
    dc = clibdocker.DockerClient()
    try:
        img, log = dc.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=image_tag, rm=True,
                                   labels=LABELS)
        out = dc.containers.run(image_tag, ["cat", "/built"], remove=True, labels=LABELS)
        assert out == f"built-{tag}\n".encode(), out
        print("built and ran", image_tag, img.short_id)
    finally:
        try:
            dc.images.remove(image_tag, force=True)
        except clibdocker.errors.ImageNotFound:
            pass
    # a BuildKit build through a session (the HTTP/2 server side: libnghttp2 inside the wheel)
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write(f"FROM {IMAGE}\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt\n"
                    "LABEL clibdocker-test=1\n")
        with open(os.path.join(d, "hello.txt"), "w") as f:
            # with its newline: dockerd (20.10) may drop a last line that has none
            # when the container exits before the followed logs read it
            f.write(f"buildkit-{tag}\n")
        bk_tag = f"clibdocker-test/wheel-check-bk:{tag}"
        try:
            msgs = list(c.build(path=d, tag=bk_tag, buildkit=True, decode=True, nocache=True))
            assert any(m.get("id") == "moby.image.id" for m in msgs), msgs[-3:]
            out = dc.containers.run(bk_tag, ["cat", "/hello.txt"], remove=True, labels=LABELS)
            assert out == f"buildkit-{tag}\n".encode(), out
            print("BuildKit built and ran", bk_tag)
        finally:
            try:
                dc.images.remove(bk_tag, force=True)
            except clibdocker.errors.ImageNotFound:
                pass
    dc.close()
    c.close()
    print("wheel check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
