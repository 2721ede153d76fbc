from .schedule import run_epoch  # re-exported; schedule re-exports it back from here
