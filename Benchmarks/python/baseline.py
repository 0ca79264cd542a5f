"""The Python baseline of scripts/bench-intake: what an admin might write instead of hirebind.

Flask under gunicorn: verify a Standard Webhooks signature (HMAC-SHA256 over id.timestamp.body, constant-time
compare, a 5-minute window), decode the event, and insert it into SQLite (WAL, synchronous=FULL) in one
transaction, a duplicate event id answered 200. Run as `gunicorn -w 2 baseline:app` with BASELINE_DB and
BASELINE_SECRET (the `whsec_` secret) set.
"""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time

from flask import Flask, jsonify, request

app = Flask(__name__)
SECRET = base64.b64decode(os.environ["BASELINE_SECRET"].removeprefix("whsec_"))
DB = os.environ["BASELINE_DB"]
_connection = None


def db():
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(DB, timeout=10, isolation_level=None)
        _connection.execute("PRAGMA journal_mode=WAL")
        _connection.execute("PRAGMA synchronous=FULL")
        _connection.execute("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, employee_id TEXT, body BLOB)")
    return _connection


@app.post("/v1/webhooks/<source>")
def webhook(source):
    body = request.get_data()
    msg_id, timestamp = request.headers.get("webhook-id", ""), request.headers.get("webhook-timestamp", "0")
    if abs(time.time() - int(timestamp)) > 300:
        return jsonify(error="stale"), 401
    expected = base64.b64encode(hmac.new(SECRET, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[-1] for part in request.headers.get("webhook-signature", "").split()]
    if not any(hmac.compare_digest(expected, sig) for sig in offered):
        return jsonify(error="bad signature"), 401
    event = json.loads(body)
    connection = db()
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO events VALUES (?, ?, ?)", (event["event_id"], event["employee"]["employee_id"], body))
        connection.execute("COMMIT")
    except sqlite3.IntegrityError:
        connection.execute("ROLLBACK")
        return jsonify(status="duplicate"), 200
    return jsonify(status="queued"), 202
