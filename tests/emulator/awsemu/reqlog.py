"""The log of AWS requests served, returned by GET /_emu/requests."""

import threading


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0

    def append(self, entry):
        """Store `entry` (a dict) under the next sequence number; return it."""
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
            return entry

    def snapshot(self):
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._seq = 0
