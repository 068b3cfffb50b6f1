"""Realtime: the /live Socket.IO namespace and the broadcaster."""
