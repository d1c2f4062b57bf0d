"""Healthcheck (docker-py's ``docker.types.Healthcheck``)."""
from __future__ import annotations

from typing import Any, List, Optional, Union

from .._alias import active as _alias_active
from .base import DictType


class Healthcheck(DictType):
    """A container's (or service's) health check.

    :param test: ``[]`` inherit the image's, ``["NONE"]`` disable,
        ``["CMD", arg...]`` exec, ``["CMD-SHELL", command]`` shell; a string
        is taken as a ``CMD-SHELL`` command.
    :param interval, timeout, start_period: nanoseconds (0, or >= 1 ms).
    :param retries: consecutive failures before the container is unhealthy.
    :param start_interval: beyond docker-py: nanoseconds between checks
        during the start period (API >= 1.44; refused earlier by
        :class:`~clibdocker.types.ContainerConfig`). For a program written
        for docker-py (under the ``docker`` alias) it is dropped, as
        docker-py 7.2 drops every key it does not know: such a program
        runs unchanged on an engine older than 1.44.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        test = kwargs.get("test", kwargs.get("Test"))
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        self["Test"] = test
        self["Interval"] = kwargs.get("interval", kwargs.get("Interval"))
        self["Timeout"] = kwargs.get("timeout", kwargs.get("Timeout"))
        self["Retries"] = kwargs.get("retries", kwargs.get("Retries"))
        self["StartPeriod"] = kwargs.get("start_period", kwargs.get("StartPeriod"))
        start_interval = kwargs.get("start_interval", kwargs.get("StartInterval"))
        if start_interval is not None and not _alias_active():
            self["StartInterval"] = start_interval

    @property
    def test(self) -> Optional[List[str]]:
        return self["Test"]  # type: ignore[no-any-return]

    @test.setter
    def test(self, value: Union[str, List[str], None]) -> None:
        if isinstance(value, str):
            value = ["CMD-SHELL", value]
        self["Test"] = value

    @property
    def interval(self) -> Optional[int]:
        return self["Interval"]  # type: ignore[no-any-return]

    @interval.setter
    def interval(self, value: Optional[int]) -> None:
        self["Interval"] = value

    @property
    def timeout(self) -> Optional[int]:
        return self["Timeout"]  # type: ignore[no-any-return]

    @timeout.setter
    def timeout(self, value: Optional[int]) -> None:
        self["Timeout"] = value

    @property
    def retries(self) -> Optional[int]:
        return self["Retries"]  # type: ignore[no-any-return]

    @retries.setter
    def retries(self, value: Optional[int]) -> None:
        self["Retries"] = value

    @property
    def start_period(self) -> Optional[int]:
        return self["StartPeriod"]  # type: ignore[no-any-return]

    @start_period.setter
    def start_period(self, value: Optional[int]) -> None:
        self["StartPeriod"] = value
