from planner.cli.commands import main

main(prog_name="restart-planner")
