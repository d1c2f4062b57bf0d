#!/usr/bin/env python3
"""Placeholder replaced by the coverage generator (see docs/api-coverage.md)."""
import sys
sys.exit(0)
