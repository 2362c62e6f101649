/** Domain-alignment methods: adversarial feature alignment (DANN) and its conditional form (CDAN, CDAN+E). */
package dev.imed.ensemble.method.alignment;
