/** Feature extractors: the digits LeNet, ResNet-18/50 built with DJL, and TorchScript backbones. */
package dev.imed.ensemble.backbone;
