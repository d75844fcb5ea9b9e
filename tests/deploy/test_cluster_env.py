"""The loopback cluster's settings reach every script up.sh runs."""

import os
import subprocess
from pathlib import Path

ENV_SH = Path(__file__).resolve().parents[2] / "deploy" / "cluster" / "env.sh"


def _ports(**environment):
    # The script sources env.sh, then runs a child script that sources it too, as up.sh runs
    # ctl.sh: both must see the same ports.
    script = (
        f'source "{ENV_SH}"; echo "${{NODE_PORTS[*]}}"; '
        f'bash -c \'source "{ENV_SH}"; echo "${{NODE_PORTS[*]}}"\''
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_PORTS", "NODE_PORT_LIST")}
    result = subprocess.run(
        ["bash", "-c", script], env={**env, **environment}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_node_ports_given_in_the_environment_reach_the_scripts_up_sh_runs():
    assert _ports(NODE_PORTS="58011 58012") == ["58011 58012", "58011 58012"]


def test_node_ports_default_to_58001_and_58002():
    assert _ports() == ["58001 58002", "58001 58002"]
