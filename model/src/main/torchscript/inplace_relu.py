#!/usr/bin/env python3
"""Writes model/src/main/resources/dev/imed/model/backbone/inplace-relu.pt: a TorchScript module with no parameters
whose forward is torch.relu_, for InPlaceRelu (DJL's PyTorch engine exposes no in-place ReLU). Any PyTorch >= 1.13
writes a file that libtorch 2.x loads. Run from the repository root: /usr/bin/python3 model/src/main/torchscript/inplace_relu.py"""
import torch


class InPlaceRelu(torch.nn.Module):
    def forward(self, x):
        return torch.relu_(x)


if __name__ == "__main__":
    torch.jit.script(InPlaceRelu()).save("model/src/main/resources/dev/imed/model/backbone/inplace-relu.pt")
