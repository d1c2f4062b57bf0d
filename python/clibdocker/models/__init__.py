"""docker-py's high-level models and collections (``client.containers``,
``client.images``…), written over :class:`~clibdocker.APIClient`."""
