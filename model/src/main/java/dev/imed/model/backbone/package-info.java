/**
 * Feature extractors: the digits LeNet, ResNet-18/50 built with DJL, and TorchScript backbones. Each
 * kind is a {@link dev.imed.model.backbone.BackboneFactory} registered with AutoService. A TorchScript
 * backbone takes the {@link dev.imed.model.backbone.Preprocessing} it was exported with; the others fix their input.
 */
package dev.imed.model.backbone;
