# The Littlest JupyterHub (TLJH): the course's part of the hub's configuration.
# Copy to /opt/tljh/config/jupyterhub_config.d/digits_with_cnns.py, then `sudo tljh-config reload`.
# (classroom/TLJH.md has the whole recipe; tests/test_classroom_config.py checks this file.)
c = get_config()  # noqa: F821

# A server starts by pulling the course into ~/digits-with-cnns with nbgitpuller (a clone the
# first time, a merge that keeps the student's edits after that), then opens the learner
# edition: the same default URL as classroom/config.yaml's (scripts/links.py's default_url()).
c.Spawner.default_url = "/git-pull?repo=https%3A%2F%2Fgithub.com%2Fdigits-with-cnns%2Fdigits-with-cnns&branch=main&urlpath=lab%2Ftree%2Fdigits-with-cnns%2Fnotebooks"

# The kernels import `helpers` from the student's own copy: the instructor's fixes arrive with
# the next pull, and trained models land in the student's home (~/digits-with-cnns/models/).
# TLJH's users are system users named jupyter-<name>, with their homes in /home.
c.Spawner.environment = {
    "PYTHONPATH": lambda spawner: f"/home/jupyter-{spawner.user.name}/digits-with-cnns",
}
