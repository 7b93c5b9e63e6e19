from confgen.launch import main

main()
