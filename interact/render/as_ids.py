"""Full ids, one a line, for scripts."""


def render(view) -> str:
    return "".join(f"{record['id']}\n" for record in view.records)
