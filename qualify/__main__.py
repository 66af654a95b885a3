from qualify.cli import run

if __name__ == "__main__":  # not when a worker process (spawned) imports it
    run()
