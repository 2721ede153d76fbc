"""main() does not return in time."""
import time


def main():
    time.sleep(120)
