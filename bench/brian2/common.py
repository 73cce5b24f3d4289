"""Shared plumbing for the Brian2 reference scripts in bench/brian2/.

Brian2 comes from Debian (`apt-get install -y python3-brian`, 2.5.x) and is
imported by /usr/bin/python3; nothing here installs anything.

Every script prints exactly one JSON line on stdout. Brian2's and the C++
compiler's chatter is sent to stderr (stdout is redirected to stderr while
the model is built and run), so `script.py ... > result.json` is safe.

Devices (--device):
  runtime         Brian2's runtime device with Cython code generation
                  (Brian2's default when Cython is installed);
  numpy           runtime device with pure numpy code generation;
  cpp_standalone  C++ standalone: the model is generated, compiled with g++
                  (build_seconds) and the binary run separately.

Timing fields:
  sim_seconds     the simulation loop only. Runtime/numpy: Brian2's own
                  measurement of Network.run's main loop (after code
                  generation and compilation). cpp_standalone: the loop time
                  the binary itself writes to results/last_run_info.txt.
  run_call_seconds  (runtime/numpy) wall time of the whole run() call,
                  including code generation and Cython compilation (cached
                  in ~/.cython/brian_extensions after the first time).
  setup_seconds   (runtime/numpy) building the network in Python before
                  run(): groups, Synapses.connect, initial values.
  build_seconds   (cpp_standalone) device.build(compile=True, run=False) from
                  a clean project directory: code generation + make/g++.
  binary_seconds  (cpp_standalone) wall time of the compiled binary: loading,
                  synapse creation, initial values, the loop, writing results.
Memory fields:
  peak_rss_mb     runtime/numpy: the Python process (getrusage RUSAGE_SELF,
                  so it includes the interpreter, numpy and Brian2 itself).
                  cpp_standalone: the simulation binary alone (wait4 on it
                  in rusage_wrap.c, used as Brian2's run command; at most
                  ~1 MB of that is the wrapper's own pre-exec footprint).
  python_peak_rss_mb (cpp_standalone): the Python driver (code generation).
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEVICES = ('runtime', 'numpy', 'cpp_standalone')

# Keep the real stdout for the final JSON line; everything else goes to stderr.
_REAL_STDOUT = os.dup(1)
sys.stdout.flush()
os.dup2(2, 1)

try:
    import brian2  # noqa: F401
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        "brian2 is not importable by %s.\n"
        "Install it with:  apt-get install -y python3-brian\n"
        "(the Debian package, Brian2 2.5.x; run the scripts with /usr/bin/python3)\n"
        % sys.executable)
    sys.exit(3)


def base_parser(description, default_duration):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('--device', choices=DEVICES, default='runtime')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--duration', type=float, default=default_duration,
                    help='simulated time in seconds (default %(default)s)')
    ap.add_argument('--threads', type=int, default=0,
                    help='cpp_standalone OpenMP threads (0 = no OpenMP, '
                         'single thread; the default)')
    ap.add_argument('--build-dir', default=None,
                    help='cpp_standalone project directory (default: a '
                         'fresh directory under $TMPDIR, removed afterwards)')
    ap.add_argument('--keep-build', action='store_true',
                    help='do not remove the cpp_standalone project directory')
    return ap


def rusage_wrapper():
    """Compile rusage_wrap.c once (per source hash) and return its path."""
    import hashlib
    import tempfile
    src = os.path.join(HERE, 'rusage_wrap.c')
    with open(src, 'rb') as f:
        h = hashlib.sha256(f.read()).hexdigest()[:12]
    exe = os.path.join(tempfile.gettempdir(), 'snnc_bench_rusage_wrap_' + h)
    if not os.path.exists(exe):
        tmp = exe + '.%d' % os.getpid()
        subprocess.run(['gcc', '-O2', '-o', tmp, src], check=True)
        os.replace(tmp, exe)
    return exe


def machine_info():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    import numpy
    import brian2
    info = {
        'nproc': os.cpu_count(),
        'cpu_model': cpu,
        'kernel': platform.release(),
        'python': platform.python_version(),
        'python_executable': sys.executable,
        'brian2': brian2.__version__,
        'numpy': numpy.__version__,
    }
    for mod in ('Cython', 'sympy'):
        try:
            info[mod.lower()] = __import__(mod).__version__
        except ImportError:
            info[mod.lower()] = None
    try:
        out = subprocess.run(['g++', '--version'], capture_output=True,
                             text=True).stdout.splitlines()
        info['gxx'] = out[0] if out else None
    except OSError:
        info['gxx'] = None
    return info


class Device:
    """Selects and drives one of the three Brian2 devices."""

    def __init__(self, args, name):
        from brian2 import prefs, set_device
        self.args = args
        self.kind = args.device
        self.timings = {}
        self._t0 = None
        self.build_dir = None
        self._own_dir = False
        if self.kind == 'runtime':
            prefs.codegen.target = 'cython'
        elif self.kind == 'numpy':
            prefs.codegen.target = 'numpy'
        else:
            if args.build_dir:
                self.build_dir = os.path.abspath(args.build_dir)
            else:
                import tempfile
                self.build_dir = tempfile.mkdtemp(prefix='brian2_%s_' % name)
                self._own_dir = not args.keep_build
            set_device('cpp_standalone', directory=self.build_dir,
                       build_on_run=False)
            prefs.devices.cpp_standalone.openmp_threads = args.threads
            prefs.devices.cpp_standalone.run_cmd_unix = [
                rusage_wrapper(), './main']

    def start_setup(self):
        self._t0 = time.perf_counter()

    def run(self, net, duration):
        """net.run(duration), then (standalone) build and run the binary."""
        from brian2 import device
        if self.kind != 'cpp_standalone':
            self.timings['setup_seconds'] = time.perf_counter() - self._t0
            t = time.perf_counter()
            net.run(duration, namespace={})
            self.timings['run_call_seconds'] = time.perf_counter() - t
            self.timings['sim_seconds'] = float(device._last_run_time)
            return
        net.run(duration, namespace={})  # only records the run in the standalone project
        t = time.perf_counter()
        device.build(directory=self.build_dir, compile=True, run=False,
                     clean=True, with_output=False)
        self.timings['build_seconds'] = time.perf_counter() - t
        t = time.perf_counter()
        device.run(self.build_dir, with_output=False, run_args=[])
        self.timings['binary_call_seconds'] = time.perf_counter() - t
        self.timings['sim_seconds'] = float(device._last_run_time)
        with open(os.path.join(self.build_dir, 'results', 'rusage_main.json')) as f:
            ru = json.load(f)
        self.timings['binary_seconds'] = ru['wall_seconds']
        self.timings['binary_user_seconds'] = ru['user_seconds']
        self.binary_rss_mb = ru['maxrss_kb'] / 1024.0

    def memory(self):
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        if self.kind != 'cpp_standalone':
            return {'peak_rss_mb': round(self_mb, 1)}
        return {'peak_rss_mb': round(self.binary_rss_mb, 1),
                'python_peak_rss_mb': round(self_mb, 1)}

    def cleanup(self):
        if self._own_dir and self.build_dir:
            shutil.rmtree(self.build_dir, ignore_errors=True)


def compile_flags():
    from brian2 import prefs
    return ' '.join(prefs.codegen.cpp.extra_compile_args_gcc)


def emit(record):
    """Print the one JSON line on the real stdout."""
    record = dict(record)
    record['command'] = ' '.join(
        ['/usr/bin/python3', 'bench/brian2/' + os.path.basename(sys.argv[0])]
        + sys.argv[1:])
    line = json.dumps(record, sort_keys=False) + '\n'
    sys.stderr.flush()
    os.write(_REAL_STDOUT, line.encode())


def rounded(d, ndigits=4):
    return {k: (round(v, ndigits) if isinstance(v, float) else v)
            for k, v in d.items()}
