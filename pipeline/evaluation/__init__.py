"""How good the extraction is: the contract's scoring, and gold files (real pages whose texts are kept out of git)."""
