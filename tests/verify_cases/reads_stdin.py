"""main() asks a question on stdin: it gets end of input, not the harness's commands."""


def main():
    return input("continue? ")
