"""Service and task logs on a real single-node swarm: multiplexed frames
demultiplexed, stdout and stderr apart, details, tail."""
from __future__ import annotations

import pytest

from clibdocker import errors
from swarm_fixture import swarm, wait_for  # noqa: F401
from test_swarm_services import make_service, wait_running  # noqa: F401

# stdout and stderr are separate pipes: their relative order in the log is
# only certain with a pause between them
SCRIPT = "echo svc-err-1 >&2; echo svc-out-1; sleep 1; echo svc-out-2; sleep 300"


def _collect(stream):
    out, err = [], []
    for o, e in stream:
        (out if o is not None else err).append(o if o is not None else e)
    return b"".join(out), b"".join(err)


@pytest.mark.op("ServiceLogs")
@pytest.mark.op("TaskLogs")
def test_service_and_task_logs_demultiplexed(client, make_service):
    svc = make_service(command=["sh", "-c", SCRIPT])
    tasks = wait_running(client, svc["ID"], 1)

    def logs_complete():
        out, err = _collect(client.service_logs(svc["ID"], stdout=True, stderr=True,
                                                demux=True))
        return (out, err) if b"svc-out-2" in out and b"svc-err-1" in err else None
    out, err = wait_for(logs_complete, 60, what="the service's output in its logs")
    assert out == b"svc-out-1\nsvc-out-2\n"
    assert err == b"svc-err-1\n"
    # the last line only (tail counts lines of both streams)
    assert _collect(client.service_logs(svc["Name"], stdout=True, stderr=True, tail=1,
                                        demux=True)) == (b"svc-out-2\n", b"")
    # details prefix each line with the task's labels
    lines = b"".join(client.service_logs(svc["ID"], stdout=True, details=True)).splitlines()
    assert len(lines) == 2 and all(b"com.docker.swarm" in ln for ln in lines)
    assert lines[0].endswith(b"svc-out-1") and lines[1].endswith(b"svc-out-2")
    # the one task's logs
    tid = tasks[0]["ID"]
    assert _collect(client.task_logs(tid, stdout=True, stderr=True, demux=True)) == \
        (b"svc-out-1\nsvc-out-2\n", b"svc-err-1\n")


def test_service_logs_errors(client, swarm):
    with pytest.raises(errors.NotFound):
        client.service_logs("clibdocker-test-no-such-service", stdout=True)
    with pytest.raises(errors.NotFound):
        client.task_logs("clibdocker-test-no-such-task", stdout=True)
