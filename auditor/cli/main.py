import typer

app = typer.Typer()


def run() -> None:
    app()
