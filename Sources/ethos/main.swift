import EthosCLI

EthosCommand.main()
