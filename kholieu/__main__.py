from kholieu.cli import main

main()
