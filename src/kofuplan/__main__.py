from kofuplan.adapters.cli import main

main()
