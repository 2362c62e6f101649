/**
 * Feature extractors: the digits LeNet, ResNet-18/50 built with DJL, and TorchScript backbones. Each
 * kind is a {@link dev.imed.ensemble.backbone.BackboneFactory} registered with AutoService.
 */
package dev.imed.ensemble.backbone;
