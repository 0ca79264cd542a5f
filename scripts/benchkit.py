"""What the benchmark scripts share: building a product, stopping the servers it started, and the crash test's
helpers (free ports, Standard Webhooks signing, HTTP requests over loopback)."""
import os
import signal
import subprocess
from importlib.machinery import SourceFileLoader

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
crash = SourceFileLoader("crash_test", os.path.join(SCRIPTS, "crash-test")).load_module()
ROOT = crash.ROOT


def built(product, configuration="release"):
    """Builds `product` (an incremental build when it is already there) and returns the executable's path."""
    subprocess.run(["swift", "build", "-c", configuration, "--product", product], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", configuration, "--product", product, "--show-bin-path"], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(path, product)


def stop_processes(*processes, seconds=30):
    """SIGTERM to each (a graceful stop), then SIGKILL to any still running after `seconds`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
