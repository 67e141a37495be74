from videostyle.cli import main


def run(capsys, *args):
    """Run the CLI in-process; returns (exit code, stdout, stderr) and checks no traceback leaked."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err
